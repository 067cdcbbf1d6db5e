import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { problemResponses, sendUnavailable } from '../problem.js';

const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessProbes {
  db: Db;
  redis: Redis;
}

export function healthRoutes(app: FastifyInstance, probes: ReadinessProbes): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/health', {
    schema: {
      operationId: 'getLiveness',
      summary: 'Liveness: answers 200 while the process runs, whatever its dependencies',
      tags: ['operations'],
      response: { 200: z.object({ status: z.literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  r.get('/ready', {
    schema: {
      operationId: 'getReadiness',
      summary: 'Readiness: PostgreSQL and Redis reachable',
      tags: ['operations'],
      response: { 200: z.object({ status: z.literal('ready') }), ...problemResponses(503) },
    },
    handler: async (request, reply) => {
      const [postgres, redis] = await Promise.all([
        reachable(sql`select 1`.execute(probes.db)),
        reachable(probes.redis.ping()),
      ]);
      if (postgres && redis) return { status: 'ready' as const };
      const away = [...(postgres ? [] : ['PostgreSQL']), ...(redis ? [] : ['Redis'])];
      const errors = [
        ...(postgres ? [] : [{ path: '/postgres', message: 'PostgreSQL is not reachable' }]),
        ...(redis ? [] : [{ path: '/redis', message: 'Redis is not reachable' }]),
      ];
      return sendUnavailable(request, reply, `Not reachable: ${away.join(', ')}`, errors);
    },
  });
}

async function reachable(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
