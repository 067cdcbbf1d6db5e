import type { z } from 'zod';

/**
 * The response headers clients rely on, declared once under `components.headers`. A route
 * names the ones it sends per status in `responseHeaders`; the rate-limit headers are on every
 * /v1 answer and `WWW-Authenticate` and `Retry-After` on every 401, 429 and 503 by themselves.
 */
export const RESPONSE_HEADERS = {
  ETag: {
    description:
      'Strong entity tag of the representation: `"vN"` names a stored version (send it as If-Match on a push), ' +
      'any other tag a computed one. Send it back as If-None-Match to get 304 while it is current.',
    schema: { type: 'string' },
  },
  Location: {
    description: 'Where the created resource can be read',
    schema: { type: 'string', format: 'uri-reference' },
  },
  'Retry-After': {
    description: 'Seconds to wait before sending the request again',
    schema: { type: 'integer', minimum: 0 },
  },
  RateLimit: {
    description:
      'What is left of the rate limit (draft-ietf-httpapi-ratelimit-headers): requests left `r` and seconds until the window resets `t`, e.g. `"client";r=2999;t=60`',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description:
      'The rate limit that applies: `q` requests per `w` seconds, per client (`"client"`) or, without a valid credential, per address (`"anonymous"`)',
    schema: { type: 'string' },
  },
  'WWW-Authenticate': {
    description:
      '`Bearer`; for an access token with the RFC 6750 error (`invalid_token`, `insufficient_scope` with the scope needed)',
    schema: { type: 'string' },
  },
  'Content-Disposition': {
    description: 'inline, with a file name naming the version',
    schema: { type: 'string' },
  },
} as const;

export type ResponseHeader = keyof typeof RESPONSE_HEADERS;

/** Headers every answer of a status carries, whatever the route. */
export const HEADERS_OF_STATUS: Readonly<Record<number, readonly ResponseHeader[]>> = {
  401: ['WWW-Authenticate'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/** On every /v1 answer while rate limits are on (security/rate-limit.ts). */
export const RATE_LIMIT_HEADERS: readonly ResponseHeader[] = ['RateLimit', 'RateLimit-Policy'];

/**
 * The problems any /v1 operation can answer with before or beside its handler: no credential,
 * another scope, the rate limit, an outage of PostgreSQL, an unexpected error. Operations with
 * parameters or a body add 400; with a body also 413 and 415.
 */
export function platformProblems(operation: { hasInput: boolean; hasBody: boolean }): number[] {
  return [
    ...(operation.hasInput ? [400] : []),
    401,
    403,
    ...(operation.hasBody ? [413, 415] : []),
    429,
    500,
    503,
  ];
}

/** A 2xx answer in document formats rather than JSON of one of the API's schemas. */
export function documentResponse<const M extends Record<string, z.ZodType>>(
  description: string,
  mediaTypes: M,
): { description: string; content: { [K in keyof M]: { schema: M[K] } } } {
  const content = Object.fromEntries(Object.entries(mediaTypes).map(([type, schema]) => [type, { schema }]));
  return { description, content: content as { [K in keyof M]: { schema: M[K] } } };
}
