import { createHash } from 'node:crypto';

/** Strong ETag of one stored version of a plan; `If-Match` on a push names it. */
export const versionETag = (version: number): string => `"v${version}"`;

/** Strong ETag of a computed representation (the status), from its JSON. */
export function contentETag(json: string): string {
  return `"s${createHash('sha256').update(json).digest('base64url').slice(0, 22)}"`;
}

/** RFC 9110 If-None-Match: weak comparison, `*` matches anything. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** The versions an `If-Match` header names (strong comparison: weak tags match nothing). */
export function parseIfMatch(
  header: string | undefined,
): { any: true } | { any: false; versions: number[] } | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true };
  const versions = header
    .split(',')
    .map((tag) => /^"v(\d{1,9})"$/.exec(tag.trim())?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return { any: false, versions };
}
