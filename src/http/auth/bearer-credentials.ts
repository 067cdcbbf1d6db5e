import type { FastifyRequest } from 'fastify';
import type { CallerCache } from '../../services/caller-cache.js';
import { authenticate } from '../../services/clients.service.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { tokenCaller } from '../../services/token-clients.service.js';
import { type AccessTokenVerifier, looksLikeJwt } from './access-tokens.js';

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/** The credential of an `Authorization: Bearer …` header (RFC 6750 §2.1), if the request has one. */
export function bearerCredential(request: FastifyRequest): string | undefined {
  return BEARER.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * Who a bearer credential identifies: an API key's client, or an access token's. `caller` is
 * undefined when the credential is not valid; for a token, `refusal` then says why, for the log
 * only (the answer never does). `expiresAt` is when a token stops being valid; null for a key.
 */
export type BearerIdentity =
  | { kind: 'api-key'; caller: Caller | undefined; expiresAt: null }
  | { kind: 'access-token'; caller: Caller | undefined; expiresAt: Date | null; refusal: string | null };

/**
 * Identifies the caller of a bearer credential. With access tokens configured, a credential
 * shaped like a JWT is verified as one; anything else is looked up as an API key. `callers`
 * keeps a client for a few seconds, as for /v1 (CallerCache); without it every call looks.
 */
export async function identifyBearer(
  ctx: ServiceContext,
  tokens: AccessTokenVerifier | null,
  credential: string,
  callers?: CallerCache,
): Promise<BearerIdentity> {
  if (!tokens || !looksLikeJwt(credential)) {
    return { kind: 'api-key', caller: await authenticate(ctx, credential, callers), expiresAt: null };
  }
  const verification = await tokens.verify(credential);
  if (!verification.valid) {
    return { kind: 'access-token', caller: undefined, expiresAt: null, refusal: verification.reason };
  }
  const { token } = verification;
  const caller = await tokenCaller(ctx, token, callers);
  return {
    kind: 'access-token',
    caller,
    expiresAt: token.expiresAt,
    refusal: caller ? null : 'its client is revoked',
  };
}
