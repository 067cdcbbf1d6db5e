import { createHash } from 'node:crypto';

/** planbrygga's UUID namespace for name-based ids (generated once; never change it, or every id changes). */
const PLANBRYGGA_NAMESPACE = 'b3f1c2a4-5d6e-4f70-8a91-2c3d4e5f6a7b';

/**
 * A name-based UUID, version 5 (RFC 9562 section 5.5: SHA-1 over namespace bytes + name).
 * The same name always gives the same UUID, so an export of the same plan version is
 * byte-for-byte reproducible.
 */
export function nameBasedUuid(name: string, namespace: string = PLANBRYGGA_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
