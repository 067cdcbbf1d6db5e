import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { OidcConfig } from '../../config.js';
import type { Clock } from '../../services/context.js';
import type { PendingSignIn } from './openid-provider.js';
import type { Person } from './person.js';

/** A sign-in must come back from the provider within this long. */
const PENDING_SIGN_IN_SECONDS = 10 * 60;
const OPAQUE_ID = /^[A-Za-z0-9_-]{43}$/;

/** A signed-in person's session, kept in Redis only: the cookie carries its id and nothing else. */
export interface BrowserSession {
  person: Person;
  /** The token client recorded for this person (issuer, subject, organisation): the actor of what they do; null without an organisation. */
  clientId: string | null;
  /** Sent back with every form post of this session. */
  csrfToken: string;
  /** Epoch ms of the sign-in; the absolute lifetime counts from it. */
  signedInAt: number;
}

/**
 * Sessions and pending sign-ins in Redis, under the hash of their ids (a Redis dump opens no
 * session). A session lives while it is used at least every `sessionIdleSeconds` and never
 * longer than `sessionMaxSeconds` after sign-in; "Logga ut" deletes it, so a copied cookie
 * is worthless afterwards. A pending sign-in is taken once: a replayed callback finds nothing.
 */
export interface BrowserSessions {
  create(
    session: Pick<BrowserSession, 'person' | 'clientId'>,
  ): Promise<{ id: string; session: BrowserSession }>;
  /** The live session of an id, its idle time restarted; null once it ended. */
  find(id: string): Promise<BrowserSession | null>;
  destroy(id: string): Promise<void>;
  savePending(pending: PendingSignIn): Promise<string>;
  takePending(id: string): Promise<PendingSignIn | null>;
}

export function createBrowserSessions(
  redis: Redis,
  clock: Clock,
  lifetimes: Pick<OidcConfig, 'sessionIdleSeconds' | 'sessionMaxSeconds'>,
): BrowserSessions {
  const sessionKey = (id: string) => `browser-session:${digest(id)}`;
  const pendingKey = (id: string) => `browser-sign-in:${digest(id)}`;
  const ttlMs = (session: BrowserSession) =>
    Math.min(
      lifetimes.sessionIdleSeconds * 1000,
      session.signedInAt + lifetimes.sessionMaxSeconds * 1000 - clock().getTime(),
    );

  return {
    async create({ person, clientId }) {
      const id = opaqueId();
      const session: BrowserSession = {
        person,
        clientId,
        csrfToken: opaqueId(),
        signedInAt: clock().getTime(),
      };
      await redis.set(sessionKey(id), JSON.stringify(session), 'PX', ttlMs(session));
      return { id, session };
    },
    async find(id) {
      if (!OPAQUE_ID.test(id)) return null;
      const stored = await redis.get(sessionKey(id));
      if (!stored) return null;
      const session = JSON.parse(stored) as BrowserSession;
      const ttl = ttlMs(session);
      if (ttl <= 0) {
        await redis.del(sessionKey(id));
        return null;
      }
      await redis.pexpire(sessionKey(id), ttl);
      return session;
    },
    async destroy(id) {
      if (OPAQUE_ID.test(id)) await redis.del(sessionKey(id));
    },
    async savePending(pending) {
      const id = opaqueId();
      await redis.set(pendingKey(id), JSON.stringify(pending), 'EX', PENDING_SIGN_IN_SECONDS);
      return id;
    },
    async takePending(id) {
      if (!OPAQUE_ID.test(id)) return null;
      const stored = await redis.getdel(pendingKey(id));
      return stored ? (JSON.parse(stored) as PendingSignIn) : null;
    },
  };
}

/** Whether a posted form's token is the session's own. */
export function csrfTokenMatches(session: BrowserSession, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(sent);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function opaqueId(): string {
  return randomBytes(32).toString('base64url');
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
