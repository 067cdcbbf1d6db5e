import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
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

type Headers = Readonly<Record<string, string>>;

/**
 * The headers helmet's middleware sets for `options`, read off once: every value is a fixed
 * string (no nonces), so answers can carry the same object instead of running the middleware
 * (and Node's header checks, one setHeader at a time) on every request.
 */
function helmetHeaders(options: HelmetOptions): Headers {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}

const COMMON: HelmetOptions = {
  crossOriginResourcePolicy: { policy: 'same-origin' },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};
/** The security headers of a page with its own Content-Security-Policy; for `config.securityHeaders`. */
export function pageSecurityHeaders(contentSecurityPolicy: HelmetOptions['contentSecurityPolicy']): Headers {
  return helmetHeaders({ ...COMMON, contentSecurityPolicy });
}

const API_HEADERS = pageSecurityHeaders(API_CSP);
const DASHBOARD_HEADERS = pageSecurityHeaders(UI_CSP);
// /docs sets its own CSP (swagger-ui's staticCSP, with hashes of its inline scripts).
const DOCS_HEADERS = pageSecurityHeaders(false);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The security headers of a browser page's routes (pageSecurityHeaders); the API's where unset. */
    securityHeaders?: Headers;
  }
}

/**
 * Security headers on every answer (helmet's, tuned for an API; pages get their own CSP),
 * and CORS closed unless `CORS_ORIGINS` names the browser origins allowed to call it.
 * Register before any route.
 */
export async function registerSecurityHeaders(app: FastifyInstance, limits: HttpLimits): Promise<void> {
  app.addHook('onRoute', (route) => {
    const ui = UI_PREFIXES.find((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`));
    if (!ui) return;
    const securityHeaders = ui === '/docs' ? DOCS_HEADERS : DASHBOARD_HEADERS;
    route.config = { ...route.config, securityHeaders } as typeof route.config;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(request.routeOptions.config.securityHeaders ?? API_HEADERS);
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
