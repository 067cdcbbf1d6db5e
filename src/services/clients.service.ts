import { createHash, randomBytes } from 'node:crypto';
import { findActiveClientByKeyHash, insertClient } from '../db/repositories/clients.repository.js';
import type { ClientRow } from '../db/schema.js';
import type { CallerCache } from './caller-cache.js';
import type { Caller, ServiceContext } from './context.js';

/** Every scope a client can hold; routes name the one they need (src/http/auth/route-scopes.ts). */
export const SCOPES = [
  'plans:write',
  'plans:read',
  'status:read',
  'signatures:write',
  'submissions:write',
  'inbox:read',
  'admin',
  'viewer',
] as const;
export type Scope = (typeof SCOPES)[number];

const KEY_PREFIX = 'pbk_';

/**
 * SHA-256, not bcrypt: the key is 256 random bits, so there is nothing to brute-force and a
 * slow hash would only slow down every request. Slow hashes exist for low-entropy passwords.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface CreatedClient {
  client: ClientRow;
  /** The API key; shown once, never stored. */
  key: string;
}

export async function createClient(
  ctx: ServiceContext,
  input: { name: string; organisation: string; scopes: Scope[] },
): Promise<CreatedClient> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const client = await insertClient(ctx.db, {
    name: input.name,
    organisation: input.organisation,
    scopes: [...new Set(input.scopes)],
    keyHash: hashApiKey(key),
    createdAt: ctx.clock(),
  });
  return { client, key };
}

/** The client of a valid, unrevoked key; from `callers` when given and it saw the key lately. */
export async function authenticate(
  ctx: ServiceContext,
  key: string,
  callers?: CallerCache,
): Promise<Caller | undefined> {
  const keyHash = hashApiKey(key);
  const lookUp = async (): Promise<Caller | undefined> => {
    const client = await findActiveClientByKeyHash(ctx.db, keyHash);
    return client && { clientId: client.id, organisation: client.organisation, scopes: client.scopes };
  };
  return callers ? callers.get(keyHash, lookUp) : lookUp();
}
