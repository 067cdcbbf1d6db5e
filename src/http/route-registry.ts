import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** fastify's path syntax, e.g. `/v1/plans/:id`. */
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, as registered; the scope matrix test walks them all. */
    registeredRoutes(): readonly RegisteredRoute[];
  }
}

/** Register first, so that every later route is seen. */
export function registerRouteRegistry(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', () => routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url });
  });
}
