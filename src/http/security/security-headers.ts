import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { HttpLimits } from '../../config.js';

/** Browser pages the API serves: the OpenAPI UI, and the queue dashboard. */
const UI_PREFIXES = ['/docs', '/admin/queues'];

// The API answers JSON and documents; nothing it sends may run script, be framed or load anything.
const API_CSP = {
  useDefaults: false,
  directives: {
    'default-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  },
};

// The dashboard's own scripts, styles and images, and nothing from elsewhere.
const UI_CSP = {
  useDefaults: false,
  directives: {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  },
};

/**
 * Security headers on every answer (helmet, tuned for an API), and CORS closed unless
 * `CORS_ORIGINS` names the browser origins allowed to call it. Register before any route.
 */
export async function registerSecurityHeaders(app: FastifyInstance, limits: HttpLimits): Promise<void> {
  // /docs sets its own CSP (swagger-ui's staticCSP, with hashes of its inline scripts).
  app.addHook('onRoute', (route) => {
    const ui = UI_PREFIXES.find((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`));
    if (!ui) return;
    const helmetConfig =
      ui === '/docs' ? { contentSecurityPolicy: false } : { contentSecurityPolicy: UI_CSP };
    route.config = { ...route.config, helmet: helmetConfig } as typeof route.config;
  });
  await app.register(helmet, {
    contentSecurityPolicy: API_CSP,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  if (limits.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...limits.corsOrigins],
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'if-none-match'],
      exposedHeaders: ['etag', 'location', 'ratelimit', 'ratelimit-policy', 'retry-after'],
      maxAge: 600,
    });
  }
}
