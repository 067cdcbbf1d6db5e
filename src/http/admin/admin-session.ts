import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { findActiveClientByKeyHash, isActiveClient } from '../../db/repositories/clients.repository.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import type { AccessTokenVerifier } from '../auth/access-tokens.js';
import { bearerCredential, identifyBearer } from '../auth/bearer-credentials.js';
import { grants } from '../auth/route-scopes.js';
import { type SignIn, signedInOperator } from '../browser/sign-in.js';

/**
 * Browser sessions of the admin pages. A browser cannot send a Bearer header when it
 * navigates, so the login page trades an API key for a cookie holding an opaque session id.
 * Redis keeps the hash of the id (so a Redis dump is no session) with the hash of the key, and
 * every request looks the client up again: a revoked key ends its sessions at once. A session
 * opened with an access token keeps the token's caller instead (never the token) and ends when
 * the token would have expired.
 */
export interface AdminSessions {
  /** A new session for a valid key or token; the id to put in the cookie. */
  create(login: SessionLogin): Promise<string>;
  /** The client behind a session id, while the session lives and the key is not revoked. */
  find(sessionId: string): Promise<Caller | null>;
  destroy(sessionId: string): Promise<void>;
}

/** What a session is opened with: a valid API key's hash, or a valid access token's caller. */
export type SessionLogin = { keyHash: string } | { caller: Caller; expiresAt: Date };

export const SESSION_COOKIE = 'planbrygga_admin';
/** Only the admin pages and their API see the cookie, never /v1. */
const COOKIE_PATH = '/admin';
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function createAdminSessions(redis: Redis, ctx: ServiceContext, ttlSeconds: number): AdminSessions {
  const keyOf = (sessionId: string) =>
    `admin-session:${createHash('sha256').update(sessionId).digest('hex')}`;
  return {
    async create(login) {
      const sessionId = randomBytes(32).toString('base64url');
      if ('keyHash' in login) {
        await redis.set(keyOf(sessionId), login.keyHash, 'EX', ttlSeconds);
      } else {
        const tokenSeconds = Math.floor((login.expiresAt.getTime() - ctx.clock().getTime()) / 1000);
        const seconds = Math.max(1, Math.min(ttlSeconds, tokenSeconds));
        await redis.set(keyOf(sessionId), JSON.stringify({ caller: login.caller }), 'EX', seconds);
      }
      return sessionId;
    },
    async find(sessionId) {
      if (!SESSION_ID.test(sessionId)) return null;
      const stored = await redis.get(keyOf(sessionId));
      if (!stored) return null;
      if (stored.startsWith('{')) {
        const { caller } = JSON.parse(stored) as { caller: Caller };
        return (await isActiveClient(ctx.db, caller.clientId)) ? caller : null;
      }
      const client = await findActiveClientByKeyHash(ctx.db, stored);
      return client
        ? { clientId: client.id, organisation: client.organisation, scopes: client.scopes }
        : null;
    },
    async destroy(sessionId) {
      if (SESSION_ID.test(sessionId)) await redis.del(keyOf(sessionId));
    },
  };
}

/**
 * Whether a caller may see the operator pages at all (the queue dashboard, metrics): admin or
 * the read-only viewer, and of the operating organisation when one is configured, because the
 * queues hold every organisation's jobs.
 */
export function mayOperate(caller: Caller, operatorOrganisation: string | null): boolean {
  return (
    grants(caller.scopes, 'viewer') &&
    (operatorOrganisation === null || caller.organisation === operatorOrganisation)
  );
}

export function mayChange(caller: Caller): boolean {
  return grants(caller.scopes, 'admin');
}

/** How the caller of an admin page proved who it is: a Bearer key or token (scripts) or a session cookie (browsers). */
export type AdminCredential = { caller: Caller; via: 'bearer' | 'session' };

export async function adminCaller(
  request: FastifyRequest,
  auth: {
    ctx: ServiceContext;
    tokens: AccessTokenVerifier | null;
    sessions: AdminSessions;
    /** The browser pages' sign-in through the OpenID provider; null without OIDC_ISSUER. */
    signIn: SignIn | null;
  },
): Promise<AdminCredential | null> {
  const credential = bearerCredential(request);
  if (credential) {
    const { caller } = await identifyBearer(auth.ctx, auth.tokens, credential);
    return caller ? { caller, via: 'bearer' } : null;
  }
  const { sessions } = auth;
  const sessionId = sessionIdOf(request);
  const caller =
    (sessionId ? await sessions.find(sessionId) : null) ??
    (auth.signIn ? await signedInOperator(auth.signIn, request) : null);
  return caller ? { caller, via: 'session' } : null;
}

export function sessionIdOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  maxAgeSeconds: number,
): void {
  const secure = isHttps(request) ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${sessionId}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`,
  );
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isHttps(request) ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Strict${secure}`,
  );
}

// Behind a TLS-terminating proxy the connection is plain HTTP; the proxy's header only makes the cookie stricter.
function isHttps(request: FastifyRequest): boolean {
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim();
  return request.protocol === 'https' || forwarded === 'https';
}

/**
 * CSRF check for a state-changing request made with the session cookie. SameSite=Strict
 * already keeps the cookie off cross-site requests; the Origin check is the second lock (and
 * the only one in browsers that ignore SameSite). Under the app's `Referrer-Policy:
 * no-referrer` a browser sends `Origin: null` even for its own forms and fetches; then the
 * browser-set Sec-Fetch-Site must say same-origin. A request with neither is refused.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
  return request.headers['sec-fetch-site'] === 'same-origin';
}
