import { findActiveTokenClient, insertTokenClient } from '../db/repositories/clients.repository.js';
import type { CallerCache } from './caller-cache.js';
import type { Scope } from './clients.service.js';
import type { Caller, ServiceContext } from './context.js';

/** What a verified OAuth2 access token says about its caller (src/http/auth/access-tokens.ts verifies it). */
export interface AccessTokenClaims {
  issuer: string;
  subject: string;
  /** The OAuth2 client the token was issued to, when the token names it. */
  clientId: string | null;
  organisation: string;
  scopes: Scope[];
}

/**
 * The caller of a verified access token: its token client (recorded the first time it is
 * seen, migrations/1795433300000-token-clients.ts), holding the scopes of this token, exactly
 * as a key's client holds its own. Undefined when that client has been revoked here. The
 * client is kept in `callers` like a key's, by issuer, subject and organisation.
 */
export async function tokenCaller(
  ctx: ServiceContext,
  claims: AccessTokenClaims,
  callers?: CallerCache,
): Promise<Caller | undefined> {
  const identity = { issuer: claims.issuer, subject: claims.subject, organisation: claims.organisation };
  const lookUp = async (): Promise<Caller | undefined> => {
    let client = await findActiveTokenClient(ctx.db, identity);
    if (!client) {
      const name = claims.clientId ?? claims.subject;
      await insertTokenClient(ctx.db, { ...identity, name, createdAt: ctx.clock() });
      client = await findActiveTokenClient(ctx.db, identity);
    }
    return client && { clientId: client.id, organisation: client.organisation, scopes: [] };
  };
  const cacheKey = JSON.stringify(['token', identity.issuer, identity.subject, identity.organisation]);
  const client = callers ? await callers.get(cacheKey, lookUp) : await lookUp();
  return (
    client && {
      ...client,
      scopes: claims.scopes,
      token: { subject: claims.subject, clientId: claims.clientId },
    }
  );
}
