import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { HttpLimits } from '../../config.js';
import { sendProblem } from '../problem.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Per-client rate limits, counted in Redis so every API instance shares them: per client
 * once the key is known, per address for requests without a valid key (so guessing keys is
 * slow too). Register between authentication (which identifies the caller) and
 * authorization (which refuses). Answers carry `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers-10); an exceeded limit is a 429 problem with
 * `Retry-After`. When Redis cannot be reached the limit is skipped: an outage of Redis must
 * not stop pushes, and the readiness probe reports it.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  redis: Redis,
  limits: HttpLimits,
): Promise<void> {
  // Its own connection without an offline queue: with Redis down a count fails at once
  // instead of holding every request until a reconnect. It connects on the first request,
  // so building the app (the openapi command) opens nothing.
  const store = redis.duplicate({ enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 0 });
  store.on('error', (err: Error) => app.log.warn({ err }, 'rate limit store: redis connection error'));
  app.addHook('onClose', async () => {
    store.disconnect();
  });
  await app.register(rateLimit, { global: false, redis: store, nameSpace: 'rate-limit:', skipOnError: true });

  const window = { timeWindow: limits.rateLimitWindowMs };
  const perClient = app.createRateLimit({
    ...window,
    max: limits.rateLimitMax,
    keyGenerator: (request) => `client:${request.caller?.clientId}`,
  });
  const perAddress = app.createRateLimit({
    ...window,
    max: limits.rateLimitAnonymousMax,
    keyGenerator: (request) => `address:${request.ip}`,
  });
  const windowSeconds = Math.ceil(limits.rateLimitWindowMs / 1000);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/v1/')) return;
    const [policy, limiter, max] = request.caller
      ? (['client', perClient, limits.rateLimitMax] as const)
      : (['anonymous', perAddress, limits.rateLimitAnonymousMax] as const);
    if (max === 0) return;
    if (store.status === 'wait') await store.connect().catch(() => undefined);
    return limit(request, reply, limiter, policy, windowSeconds);
  });
}

async function limit(
  request: FastifyRequest,
  reply: FastifyReply,
  limiter: Limiter,
  policy: string,
  windowSeconds: number,
): Promise<FastifyReply | undefined> {
  const result = await limiter(request);
  // ttl 0: the count failed (Redis unreachable) and skipOnError let the request through.
  if (result.isAllowed || result.ttl === 0) return undefined;
  reply.header('ratelimit-policy', `"${policy}";q=${result.max};w=${windowSeconds}`);
  reply.header('ratelimit', `"${policy}";r=${result.remaining};t=${result.ttlInSeconds}`);
  if (!result.isExceeded) return undefined;
  reply.header('retry-after', String(result.ttlInSeconds));
  return sendProblem(request, reply, {
    status: 429,
    code: 'rate-limited',
    detail: `Too many requests; retry after ${result.ttlInSeconds} seconds`,
  });
}
