import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallerCache } from '../../services/caller-cache.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { forbidden, unauthorized } from '../../services/errors.js';
import type { AccessTokenVerifier } from './access-tokens.js';
import { type BearerIdentity, bearerCredential, identifyBearer } from './bearer-credentials.js';
import { grants, requiredScope } from './route-scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client whose valid key or token the request carries, whether or not its scopes suffice. */
    caller: Caller | null;
    /** What the request's bearer credential is, valid or not; null without one. */
    bearerKind: BearerIdentity['kind'] | null;
  }
}

export interface AuthenticationOptions {
  apiKeyCacheMs: number;
  /** Verifies OAuth2 access tokens; null when only API keys are accepted. */
  tokens: AccessTokenVerifier | null;
}

const isV1 = (request: FastifyRequest): boolean => request.routeOptions.url?.startsWith('/v1/') ?? false;

/**
 * Identifies the client of every /v1 request by its API key or access token, without refusing
 * anything yet, so the rate limit in between can count per client (and per address for
 * requests without a valid credential). A client is looked up once per `apiKeyCacheMs`
 * (CallerCache), which is how long a revoked key keeps working. `registerAuthorization` then
 * refuses: 401 without a valid credential, 403 without the route's scope; for an access token
 * with RFC 6750's error codes. Routes are checked against the scope table when they are
 * registered; call before any route.
 */
export function registerAuthentication(
  app: FastifyInstance,
  ctx: ServiceContext,
  options: AuthenticationOptions,
): void {
  app.decorateRequest('caller', null);
  app.decorateRequest('bearerKind', null);
  const callers = new CallerCache(options.apiKeyCacheMs, ctx.clock);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      if (!requiredScope(method, route.url)) throw new Error(`no scope declared for ${method} ${route.url}`);
    }
  });

  app.addHook('onRequest', async (request) => {
    if (!isV1(request)) return;
    const credential = bearerCredential(request);
    if (!credential) return;
    const identity = await identifyBearer(ctx, options.tokens, credential, callers);
    request.caller = identity.caller ?? null;
    request.bearerKind = identity.kind;
    if (identity.kind === 'access-token' && identity.refusal) {
      request.log.info({ event: 'auth.token-refused', reason: identity.refusal }, 'access token refused');
    }
  });

  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    // RFC 6750 §3.1; which check the token failed is in the log, never in the answer.
    const invalidToken = request.bearerKind === 'access-token';
    reply.header('www-authenticate', invalidToken ? 'Bearer error="invalid_token"' : 'Bearer');
  });
}

/** 401 without a valid API key or token, 403 without the route's scope; after `registerAuthentication`. */
export function registerAuthorization(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (!url || !isV1(request)) return;
    const scope = requiredScope(request.method === 'HEAD' ? 'GET' : request.method, url);
    if (!scope) throw forbidden('This route has no scope');
    if (!request.headers.authorization) {
      throw unauthorized('An API key is required: Authorization: Bearer <key>');
    }
    if (!request.caller) {
      throw unauthorized(
        request.bearerKind === 'access-token' ? 'The access token is not valid' : 'The API key is not valid',
      );
    }
    if (!grants(request.caller.scopes, scope)) {
      if (request.caller.token) {
        reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      }
      throw forbidden(`This route needs the scope ${scope}`);
    }
  });
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized('An API key is required');
  return request.caller;
}
