import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendToDestination } from '../../../../src/delivery/contract/send-to-destination.js';
import { generateWebhookSecret, verifyWebhook } from '../../../../src/delivery/contract/webhook-signature.js';
import { listPlanDeliveries } from '../../../../src/delivery/deliveries/deliveries.repository.js';
import {
  insertDestination,
  plainSecretCodec,
} from '../../../../src/delivery/destinations/destinations.repository.js';
import { enqueue } from '../../../../src/delivery/outbox/outbox.js';
import { jobTables } from '../../../../src/delivery/outbox/outbox.repository.js';
import { type OutboxRelay, startOutboxRelay } from '../../../../src/delivery/outbox/outbox-relay.js';
import { type Job, type JobHandlers, QUEUE_NAMES } from '../../../../src/delivery/queues/catalogue.js';
import { createQueues, type Queues } from '../../../../src/delivery/queues/queues.js';
import { createWorkers, type Workers } from '../../../../src/delivery/queues/workers.js';
import { isolatedDatabase } from '../../../helpers/scratch-database.js';
import { isolatedRedisPrefix, REDIS_URL, silentLogger, waitFor } from './support.js';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let redis: ReturnType<typeof isolatedRedisPrefix>;
let queues: Queues;
let relay: OutboxRelay;
let receiver: Server;
let baseUrl: string;
const hits: Hit[] = [];
/** Per path: the statuses to answer in turn (the last repeats); 'hang' never answers. */
const script = new Map<string, (number | 'hang')[]>();
const running: Workers[] = [];
const secret = generateWebhookSecret();

beforeAll(async () => {
  database = await isolatedDatabase('jobs');
  redis = isolatedRedisPrefix();
  queues = createQueues({ redisUrl: REDIS_URL, keyPrefix: redis.keyPrefix });
  relay = startOutboxRelay({ db: database.db, publisher: queues, logger: silentLogger, pollIntervalMs: 20 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answers = script.get(path) ?? [200];
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (answer !== 'hang') res.writeHead(answer).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.close(200)));
  await Promise.all(QUEUE_NAMES.map((name) => queues.queue(name).obliterate({ force: true })));
  hits.length = 0;
  script.clear();
});

afterAll(async () => {
  await relay?.stop();
  await queues?.close();
  receiver?.closeAllConnections();
  receiver?.close();
  await redis?.clean();
  await database?.drop();
});

const deliverHandlers: JobHandlers = {
  'submission.deliver': (data, context) =>
    sendToDestination(
      {
        db: jobTables(database.db),
        secrets: plainSecretCodec,
        fetch: globalThis.fetch,
        clock: () => new Date(),
        timeoutMs: 2_000,
      },
      context,
      {
        jobName: 'submission.deliver',
        destinationId: data.destinationId,
        event: 'plan.submitted',
        planId: data.planId,
        version: data.version,
        body: JSON.stringify({ submissionId: data.submissionId }),
        contentType: 'application/json',
      },
    ),
  'need_evaluation.deliver': async () => undefined,
  'signoff.request': async () => undefined,
  'signoff.remind': async () => undefined,
  'planner.notify': async () => undefined,
  'status.writeback': async () => undefined,
  'overdue.scan': async () => undefined,
  'retention.run': async () => undefined,
};

function startWorkers(concurrency = 5, extra: Partial<Parameters<typeof createWorkers>[0]> = {}): Workers {
  const workers = createWorkers({
    ...extra,
    redisUrl: REDIS_URL,
    keyPrefix: redis.keyPrefix,
    handlers: deliverHandlers,
    logger: silentLogger,
    concurrency: { submissions: concurrency },
    backoff: { baseMs: 20, maxMs: 100, maxRetryAfterMs: 100 },
  });
  running.push(workers);
  return workers;
}

async function destination(path: string): Promise<string> {
  const created = await insertDestination(
    jobTables(database.db),
    { organisation: '0180', kind: 'submission', system: 'pulsen-combine', url: `${baseUrl}${path}`, secret },
    plainSecretCodec,
    new Date(),
  );
  return created.id;
}

async function plan(): Promise<string> {
  const id = randomUUID();
  await sql`insert into plans (id, organisation, source_system, source_plan_id, unit_id, law, service_type,
    current_version, status, person_index, created_at, updated_at)
    values (${id}, '0180', 'procapita', ${id}, 'unit-1', 'SoL', 'hemtjanst', 1, 'draft', 'x', now(), now())`.execute(
    database.db,
  );
  return id;
}

async function submit(destinationId: string, count = 1): Promise<string[]> {
  const planIds = await Promise.all(Array.from({ length: count }, plan));
  const jobs: Job[] = planIds.map((planId) => ({
    name: 'submission.deliver',
    data: { submissionId: randomUUID(), planId, version: 1, destinationId, requestId: 'req-7' },
  }));
  await database.db.transaction().execute((trx) => enqueue(trx, jobs));
  relay.wake();
  return planIds;
}

async function deliveryOf(planId: string) {
  const [row] = await listPlanDeliveries(jobTables(database.db), planId);
  return row;
}

describe('delivery workers', () => {
  it('retries a 503 with the same webhook-id until the receiver recovers, then records it delivered', async () => {
    script.set('/flaky', [503, 503, 200]);
    const [planId] = await submit(await destination('/flaky'));
    startWorkers();
    await waitFor(async () => (await deliveryOf(planId!))?.status === 'delivered');

    const delivery = (await deliveryOf(planId!))!;
    expect(delivery).toMatchObject({ attempts: 3, last_status_code: 200, last_error: null });
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((hit) => hit.headers['webhook-id']))).toEqual(new Set([delivery.webhook_id]));
    for (const hit of hits) {
      const headers = Object.fromEntries(Object.entries(hit.headers).map(([k, v]) => [k, String(v)]));
      expect(() => verifyWebhook(secret, headers, hit.body, { now: new Date() })).not.toThrow();
      expect(hit.headers['planbrygga-plan-id']).toBe(planId);
      expect(hit.headers['planbrygga-event']).toBe('plan.submitted');
    }
  });

  it('fails a 400 at once: one attempt, the reason visible on the delivery and the failed job', async () => {
    script.set('/refuses', [400]);
    const [planId] = await submit(await destination('/refuses'));
    startWorkers();
    await waitFor(async () => (await deliveryOf(planId!))?.status === 'failed');

    expect(await deliveryOf(planId!)).toMatchObject({
      attempts: 1,
      last_status_code: 400,
      last_error: 'HTTP 400',
    });
    const [failed] = await queues.queue('submissions').getFailed();
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe('HTTP 400');
    expect(hits).toHaveLength(1);
  });

  it('does not let a failing receiver hold up deliveries to others', async () => {
    script.set('/down', [503]);
    const down = await destination('/down');
    const up = await destination('/up');
    await submit(down, 10);
    const healthy = await submit(up, 10);
    startWorkers(1);
    await waitFor(async () => {
      const rows = await Promise.all(healthy.map(deliveryOf));
      return rows.every((row) => row?.status === 'delivered');
    });
    expect(hits.filter((hit) => hit.path === '/up')).toHaveLength(10);
  });

  it('fails a job whose payload does not match the catalogue without retrying it', async () => {
    await queues.publish([
      { name: 'submission.deliver', data: { planId: 'not-a-uuid' }, jobId: 'bad-payload-1' },
    ]);
    startWorkers();
    await waitFor(async () => (await queues.queue('submissions').getFailedCount()) === 1);
    const [failed] = await queues.queue('submissions').getFailed();
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/^invalid payload for submission.deliver: /);
    expect(failed?.failedReason).not.toContain('not-a-uuid');
  });

  it('delivers each job once with two worker processes taking from the same queue', async () => {
    const target = await destination('/shared');
    const planIds = await submit(target, 60);
    startWorkers(4);
    startWorkers(4);
    await waitFor(async () => {
      const rows = await Promise.all(planIds.map(deliveryOf));
      return rows.every((row) => row?.status === 'delivered');
    }, 20_000);
    const ids = hits.map((hit) => hit.headers['webhook-id']);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('delivers a job whose worker died mid-delivery, through another worker, with the same webhook-id', async () => {
    script.set('/once-hangs', ['hang', 200]);
    const [planId] = await submit(await destination('/once-hangs'));
    const fast = { lockDurationMs: 1_000, stalledIntervalMs: 300 };
    const doomed = startWorkers(1, fast);
    await waitFor(async () => hits.length === 1);
    // Like SIGKILL: the lock is no longer renewed and nothing is cleaned up.
    running.splice(running.indexOf(doomed), 1);
    await Promise.all(doomed.workers.map((worker) => worker.close(true)));

    startWorkers(1, fast);
    await waitFor(async () => (await deliveryOf(planId!))?.status === 'delivered', 15_000);
    expect(hits).toHaveLength(2);
    expect(hits[1]!.headers['webhook-id']).toBe(hits[0]!.headers['webhook-id']);
  });

  it('gives up an in-flight delivery on shutdown and keeps the job for a later attempt', async () => {
    script.set('/hangs', ['hang']);
    const [planId] = await submit(await destination('/hangs'));
    const workers = startWorkers();
    await waitFor(async () => hits.length === 1);
    running.splice(running.indexOf(workers), 1);
    await workers.close(100);

    const [job] = await queues.queue('submissions').getJobs(['delayed', 'waiting']);
    expect(job?.data.planId).toBe(planId);
    expect(await deliveryOf(planId!)).toMatchObject({ status: 'pending', last_error: 'aborted' });
  });

  it('a job that finds PostgreSQL away waits and runs again without spending an attempt', async () => {
    const runs: number[] = [];
    const workers = createWorkers({
      redisUrl: REDIS_URL,
      keyPrefix: redis.keyPrefix,
      logger: silentLogger,
      handlers: {
        ...deliverHandlers,
        'overdue.scan': async (_data, context) => {
          runs.push(context.attemptsMade);
          if (runs.length === 1) {
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          }
        },
      },
      queues: ['maintenance'],
    });
    running.push(workers);
    // One attempt only: were the outage counted against it, the job would fail at once.
    await queues.queue('maintenance').add('overdue.scan', {}, { jobId: 'db-away-1', attempts: 1 });
    await waitFor(async () => (await queues.queue('maintenance').getCompletedCount()) === 1, 10_000);
    expect(runs).toEqual([0, 0]);
    expect(await queues.queue('maintenance').getFailedCount()).toBe(0);
  });
});
