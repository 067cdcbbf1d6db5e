import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

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

/**
 * Answers 304 Not Modified with no body, so with no Content-Length: the response schema's
 * `null` would be serialised to four bytes that a 304 cannot carry, and keep-alive clients
 * that trust the length would wait for them.
 */
export function notModified(reply: FastifyReply): FastifyReply {
  return reply.code(304).send();
}
