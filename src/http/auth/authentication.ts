import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../../services/clients.service.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { forbidden, unauthorized } from '../../services/errors.js';
import { grants, requiredScope } from './route-scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/**
 * Every /v1 route: a valid API key (401 otherwise) holding the route's scope (403 otherwise).
 * Routes are checked against the scope table when they are registered; call before any route.
 */
export function registerAuthentication(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('caller', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      if (!requiredScope(method, route.url)) throw new Error(`no scope declared for ${method} ${route.url}`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url?.startsWith('/v1/')) return;
    const scope = requiredScope(request.method === 'HEAD' ? 'GET' : request.method, url);
    if (!scope) throw forbidden('This route has no scope');
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw unauthorized('An API key is required: Authorization: Bearer <key>');
    const caller = await authenticate(ctx, match[1]);
    if (!caller) throw unauthorized('The API key is not valid');
    if (!grants(caller.scopes, scope)) throw forbidden(`This route needs the scope ${scope}`);
    request.caller = caller;
  });

  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer');
  });
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized('An API key is required');
  return request.caller;
}
