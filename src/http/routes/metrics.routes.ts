import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { ServiceContext } from '../../services/context.js';
import { mayOperate } from '../admin/admin-session.js';
import type { AccessTokenVerifier } from '../auth/access-tokens.js';
import { bearerCredential, identifyBearer } from '../auth/bearer-credentials.js';
import { sendProblem } from '../problem.js';

export interface MetricsRouteOptions {
  ctx: ServiceContext;
  /** Verifies OAuth2 access tokens; null: API keys only. */
  tokens: AccessTokenVerifier | null;
  registry: Registry;
  /** METRICS_TOKEN: what a Prometheus scraper sends as its bearer token; null when not configured. */
  token: string | null;
  operatorOrganisation: string | null;
}

/**
 * Prometheus metrics. A scraper authenticates with METRICS_TOKEN (Prometheus's
 * `authorization: { credentials: … }`); an admin or viewer API key or access token works too,
 * so an operator can look without a second secret.
 */
export function metricsRoutes(app: FastifyInstance, options: MetricsRouteOptions): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!(await mayScrape(request, options))) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(request, reply, {
        status: 401,
        detail:
          'Send Authorization: Bearer <METRICS_TOKEN>, or an API key or access token with the admin or viewer scope',
      });
    }
    const text = await options.registry.metrics();
    return reply.type(options.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}

async function mayScrape(
  request: FastifyRequest,
  { ctx, tokens, token, operatorOrganisation }: MetricsRouteOptions,
): Promise<boolean> {
  const presented = bearerCredential(request);
  if (!presented) return false;
  if (token !== null && sameSecret(presented, token)) return true;
  const { caller } = await identifyBearer(ctx, tokens, presented);
  return caller !== undefined && mayOperate(caller, operatorOrganisation);
}

// Digests first: timingSafeEqual needs equal lengths, and the length of the token is no one's business.
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
