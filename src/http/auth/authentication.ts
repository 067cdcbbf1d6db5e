import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CallerCache } from '../../services/caller-cache.js';
import { authenticate } from '../../services/clients.service.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { forbidden, unauthorized } from '../../services/errors.js';
import { grants, requiredScope } from './route-scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client whose valid key the request carries, whether or not its scopes suffice. */
    caller: Caller | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

const isV1 = (request: FastifyRequest): boolean => request.routeOptions.url?.startsWith('/v1/') ?? false;

/**
 * Identifies the client of every /v1 request by its API key, without refusing anything yet,
 * so the rate limit in between can count per client (and per address for requests without a
 * valid key). A key's client is looked up once per `apiKeyCacheMs` (CallerCache), which is
 * how long a revoked key keeps working. `registerAuthorization` then refuses: 401 without a
 * valid key, 403 without the route's scope. Routes are checked against the scope table when
 * they are registered; call before any route.
 */
export function registerAuthentication(
  app: FastifyInstance,
  ctx: ServiceContext,
  apiKeyCacheMs: number,
): void {
  app.decorateRequest('caller', null);
  const callers = new CallerCache(apiKeyCacheMs, ctx.clock);

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
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (key) request.caller = (await authenticate(ctx, key, callers)) ?? null;
  });

  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer');
  });
}

/** 401 without a valid API key, 403 without the route's scope; after `registerAuthentication`. */
export function registerAuthorization(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !isV1(request)) return;
    const scope = requiredScope(request.method === 'HEAD' ? 'GET' : request.method, url);
    if (!scope) throw forbidden('This route has no scope');
    if (!request.headers.authorization) {
      throw unauthorized('An API key is required: Authorization: Bearer <key>');
    }
    if (!request.caller) throw unauthorized('The API key is not valid');
    if (!grants(request.caller.scopes, scope)) throw forbidden(`This route needs the scope ${scope}`);
  });
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized('An API key is required');
  return request.caller;
}
