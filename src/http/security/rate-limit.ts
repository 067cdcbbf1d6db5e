import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { HttpLimits } from '../../config.js';
import { sendProblem } from '../problem.js';
import { SharedRateCounter } from './shared-rate-counter.js';

/**
 * Per-client rate limits, counted in Redis so every API instance shares them: per client
 * once the key is known, per address for requests without a valid key (so guessing keys is
 * slow too). Register between authentication (which identifies the caller) and
 * authorization (which refuses). Answers carry `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers-10); an exceeded limit is a 429 problem with
 * `Retry-After`. When Redis cannot be reached the limit is skipped: an outage of Redis must
 * not stop pushes, and the readiness probe reports it. How counts are shared: SharedRateCounter.
 */
export function registerRateLimit(app: FastifyInstance, redis: Redis, limits: HttpLimits): void {
  // Its own connection without an offline queue: with Redis down a count fails at once
  // instead of holding every request until a reconnect. It connects on the first request,
  // so building the app (the openapi command) opens nothing.
  const store = redis.duplicate({ enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 0 });
  store.on('error', (err: Error) => app.log.warn({ err }, 'rate limit store: redis connection error'));
  const counter = new SharedRateCounter(store, limits.rateLimitWindowMs);
  app.addHook('onClose', async () => {
    await counter.close();
    store.disconnect();
  });
  const windowSeconds = Math.ceil(limits.rateLimitWindowMs / 1000);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/v1/')) return;
    const [policy, key, max] = request.caller
      ? (['client', `rate-limit:client:${request.caller.clientId}`, limits.rateLimitMax] as const)
      : (['anonymous', `rate-limit:address:${request.ip}`, limits.rateLimitAnonymousMax] as const);
    if (max === 0) return;
    if (store.status === 'wait') await store.connect().catch(() => undefined);
    const counted = await counter.hit(key, max);
    if (!counted) return;
    return answer(request, reply, { policy, max, windowSeconds, ...counted });
  });
}

function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  limit: { policy: string; max: number; windowSeconds: number; count: number; resetInMs: number },
): FastifyReply | undefined {
  const { policy, max, windowSeconds, count } = limit;
  const resetSeconds = Math.max(1, Math.ceil(limit.resetInMs / 1000));
  reply.header('ratelimit-policy', `"${policy}";q=${max};w=${windowSeconds}`);
  reply.header('ratelimit', `"${policy}";r=${Math.max(0, max - count)};t=${resetSeconds}`);
  if (count <= max) return undefined;
  reply.header('retry-after', String(resetSeconds));
  return sendProblem(request, reply, {
    status: 429,
    code: 'rate-limited',
    detail: `Too many requests; retry after ${resetSeconds} seconds`,
  });
}
