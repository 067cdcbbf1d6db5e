/** Lifecare document bytes → canonical plan (formats/README.md 6): read safely, then map. */
import { readXml } from '../common/xml-reader.js';
import type { ParseOutcome } from '../types.js';
import { lifecareToCanonical } from './to-canonical.js';

export function parseLifecare(document: Uint8Array): ParseOutcome {
  const read = readXml(document, { encoding: 'UTF-8' });
  if (!read.ok) return read;
  const mapped = lifecareToCanonical(read.root);
  // Lifecare has no accepted-with-warning cases: everything unknown is refused (3.7).
  return mapped.ok
    ? { ok: true, plan: mapped.plan, warnings: [] }
    : { ok: false, status: 422, issues: mapped.issues };
}
