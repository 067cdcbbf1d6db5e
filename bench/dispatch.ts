// Dispatch: submissions delivered per second end to end (outbox row → relay woken at commit →
// BullMQ → worker renders the plan in the receiver's format → signed HTTP POST to a loopback
// receiver → delivery and submission recorded), against its floor measured in the same run:
// the same number of BullMQ jobs at the same concurrency whose processor only POSTs a body of
// the rendered size to the same receiver. Goal: end to end ≥ 0.5 of the floor.
// Measured twice: relay and workers in this process, and as deployed, two `planbrygga worker`
// processes beside it. Then the latency from a submission's commit to the receiver's receipt
// at light load (one submission every 50 ms for 20 s): p50 and p99, goal p99 < 100 ms.
// npm run bench -- dispatch [--count 1000] [--concurrency 20] [--orgs 1] [--latency-seconds 20]
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { type RawBuilder, sql } from 'kysely';
import { type AppDependencies, buildApp, serviceContext } from '../src/app.js';
import { closeDependencies, createDependencies } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { encryptedSecretCodec } from '../src/crypto/destination-secret-codec.js';
import { generateWebhookSecret } from '../src/delivery/contract/webhook-signature.js';
import { insertDestination } from '../src/delivery/destinations/destinations.repository.js';
import { jobTables } from '../src/delivery/outbox/outbox.repository.js';
import { bullPrefix, redisOptions } from '../src/delivery/queues/queues.js';
import { startDispatch } from '../src/delivery/runtime.js';
import { submitPlan } from '../src/delivery/submissions/submissions.service.js';
import type { Plan } from '../src/domain/plan.js';
import { createClient } from '../src/services/clients.service.js';
import type { Caller } from '../src/services/context.js';
import { formatRate, type LoadResult } from './support/load.js';
import { integerOptions } from './support/options.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { startWorker } from './support/server.js';

const EXAMPLE = new URL('../../examples/canonical/hemtjanst-astrid.json', import.meta.url);
const GOAL = 0.5;
const LATENCY_GOAL_MS = 100;
const LATENCY_INTERVAL_MS = 50;

type Options = { count: number; concurrency: number; orgs: number; 'latency-seconds': number };
type Receiver = Awaited<ReturnType<typeof loopbackReceiver>>;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 1000, concurrency: 20, orgs: 1, 'latency-seconds': 20 });
  const db = await createScratchDatabase();
  const keyPrefix = `${db.name}:`;
  const receiver = await loopbackReceiver();
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: keyPrefix,
    PLANBRYGGA_INDEX_KEY: randomBytes(32).toString('hex'),
    WORKER_CONCURRENCY: String(opts.concurrency),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(env);
  console.log(
    `dispatch: ${opts.count} submissions (one per plan) in ${opts.orgs} organisation(s), worker concurrency ${opts.concurrency}, database ${db.name}`,
  );
  const deps = createDependencies(config);
  const app = await buildApp(deps);
  try {
    const organisations = await prepareOrganisations(deps, receiver, opts.orgs);
    const inProcess = await measureEndToEnd(deps, organisations, receiver, opts, 'in', async () => {
      const dispatch = startDispatch(deps);
      return () => dispatch.close(1_000);
    });
    const twoWorkers = await measureEndToEnd(deps, organisations, receiver, opts, 'workers', async () => {
      const workers = await Promise.all([startWorker(env), startWorker(env)]);
      return async () => {
        await Promise.all(workers.map((w) => w.stop()));
      };
    });
    const post = postOnly(receiver.url, receiver.averageBytes());
    const floor = await measureRawBullMq(config.redisUrl, `${keyPrefix}floor`, opts, post);
    const latency = await measureLatency(deps, organisations, receiver, opts['latency-seconds']);

    console.log(`  end to end, relay and workers in this process:  ${formatRate(inProcess, 'submissions')}`);
    console.log(
      `  end to end, two planbrygga worker processes:     ${formatRate(twoWorkers, 'submissions')}`,
    );
    console.log(`  floor: BullMQ jobs that only POST the same size: ${formatRate(floor, 'jobs')}`);
    for (const [label, result] of [
      ['in this process', inProcess],
      ['two worker processes', twoWorkers],
    ] as const) {
      const ratio = result.perSecond / floor.perSecond;
      console.log(
        `  ratio end to end/floor, ${label}: ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`,
      );
    }
    console.log(
      `  commit → receiver, one submission every ${LATENCY_INTERVAL_MS} ms for ${opts['latency-seconds']} s (${latency.count}): ` +
        `p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms ` +
        `(goal p99 < ${LATENCY_GOAL_MS} ms) ${latency.p99 < LATENCY_GOAL_MS ? 'met' : 'NOT met'}`,
    );
  } finally {
    await app.close();
    await closeDependencies(deps);
    await receiver.close();
    await db.drop();
    await deleteRedisKeys(config.redisUrl, keyPrefix);
  }
}

interface Organisation {
  caller: Caller;
  code: string;
  key: string;
}

/** Organisations with a client and a submission destination at the receiver. */
async function prepareOrganisations(deps: AppDependencies, receiver: Receiver, count: number) {
  const ctx = serviceContext(deps);
  const organisations: Organisation[] = [];
  for (let i = 0; i < count; i++) {
    const code = String(1000 + i);
    const scopes = ['plans:write'] as const;
    const { key, client } = await createClient(ctx, {
      name: 'bench',
      organisation: code,
      scopes: [...scopes],
    });
    organisations.push({ caller: { clientId: client.id, organisation: code, scopes }, code, key });
    await insertDestination(
      jobTables(deps.db),
      {
        organisation: code,
        kind: 'submission',
        system: 'pulsen-combine',
        url: receiver.url,
        secret: generateWebhookSecret(),
      },
      encryptedSecretCodec(deps.cipher),
      new Date(),
    );
  }
  return organisations;
}

let pushed = 0;

/** Pushes `count` plans through the API (complete, communicated, signed); their ids. */
async function pushPlans(
  deps: AppDependencies,
  organisations: Organisation[],
  count: number,
): Promise<{ organisation: Organisation; id: string }[]> {
  const app = await buildApp(deps);
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Plan;
  const plans: { organisation: Organisation; id: string }[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const organisation = organisations[i % organisations.length]!;
      const res = await app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: { authorization: `Bearer ${organisation.key}` },
        payload: {
          ...example,
          plan: { ...example.plan, municipalityCode: organisation.code, sourcePlanId: `bench-${pushed++}` },
        },
      });
      if (res.statusCode !== 201) throw new Error(`POST /v1/plans answered ${res.statusCode}: ${res.body}`);
      plans.push({ organisation, id: res.json<{ id: string }>().id });
    }
  } finally {
    await app.close();
  }
  return plans;
}

/**
 * Plans are pushed and submitted (submission and outbox rows, as `POST …/submissions` writes
 * them) and held back in the outbox; `start` starts the relay and workers (worker processes
 * take seconds to start, which is not delivery). Then the clock starts, the rows are released
 * as one commit with its notification, and it runs until every submission is recorded delivered.
 */
async function measureEndToEnd(
  deps: AppDependencies,
  organisations: Organisation[],
  receiver: Receiver,
  opts: Options,
  label: string,
  start: () => Promise<() => Promise<void>>,
): Promise<LoadResult> {
  const ctx = serviceContext(deps);
  const plans = await pushPlans(deps, organisations, opts.count);
  for (const [i, plan] of plans.entries()) {
    await submitPlan(ctx, plan.organisation.caller, plan.id, `bench-${label}-${i}`);
  }
  await sql`update outbox set available_at = 'infinity' where relayed_at is null`.execute(deps.db);
  const delivered = sql`select count(*) as n from submissions where status = 'delivered'`;
  const before = await count(deps, delivered);
  const hitsBefore = receiver.hits();
  const stop = await start();
  const started = performance.now();
  await deps.db.transaction().execute(async (trx) => {
    await sql`update outbox set available_at = now() where relayed_at is null`.execute(trx);
    await sql`select pg_notify('planbrygga_outbox', '')`.execute(trx);
  });
  try {
    while ((await count(deps, delivered)) < before + opts.count) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const seconds = (performance.now() - started) / 1000;
    if (receiver.hits() - hitsBefore < opts.count) {
      throw new Error(`the receiver saw ${receiver.hits() - hitsBefore} of ${opts.count}`);
    }
    return { count: opts.count, seconds, perSecond: opts.count / seconds };
  } finally {
    await stop();
  }
}

/**
 * One submission every LATENCY_INTERVAL_MS while the relay and workers run in this process:
 * from the moment `submitPlan` has committed to the moment the receiver has read the request.
 */
async function measureLatency(
  deps: AppDependencies,
  organisations: Organisation[],
  receiver: Receiver,
  seconds: number,
): Promise<{ count: number; p50: number; p99: number; max: number }> {
  const ctx = serviceContext(deps);
  const total = Math.floor((seconds * 1000) / LATENCY_INTERVAL_MS);
  const plans = await pushPlans(deps, organisations, total);
  const committedAt = new Map<string, number>();
  const dispatch = startDispatch(deps);
  try {
    // Settle: the relay's first look and the workers' first connections are not the latency of a delivery.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const submits: Promise<void>[] = [];
    for (const [i, plan] of plans.entries()) {
      submits.push(
        submitPlan(ctx, plan.organisation.caller, plan.id, `bench-latency-${i}`).then(({ submissions }) => {
          committedAt.set(submissions[0]!.id, performance.now());
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, LATENCY_INTERVAL_MS));
    }
    await Promise.all(submits);
    const deadline = performance.now() + 30_000;
    const latencies = () =>
      [...committedAt].flatMap(([id, at]) => {
        const arrived = receiver.arrivals.get(id);
        return arrived === undefined ? [] : [arrived - at];
      });
    while (latencies().length < total && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sorted = latencies().sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
  } finally {
    await dispatch.close(1_000);
  }
}

async function count(deps: AppDependencies, query: RawBuilder<unknown>): Promise<number> {
  const { rows } = await (query as RawBuilder<{ n: string }>).execute(deps.db);
  return Number(rows[0]?.n);
}

/** A processor that only sends a body of `bytes` bytes to the receiver, with keep-alive, as fetch does. */
function postOnly(url: string, bytes: number): () => Promise<void> {
  const body = 'x'.repeat(bytes);
  return async () => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the receiver answered ${res.status}`);
  };
}

/** The same count of jobs added in bulk to a plain queue and processed by a worker that only does `work`. */
async function measureRawBullMq(
  redisUrl: string,
  prefix: string,
  opts: Options,
  work: () => Promise<void>,
): Promise<LoadResult> {
  const connection = redisOptions(redisUrl);
  const queue = new Queue('raw', { connection, prefix: bullPrefix(prefix) });
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = performance.now();
  const worker = new Worker(
    'raw',
    async () => {
      await work();
      done += 1;
      if (done === opts.count) finish();
    },
    { connection, prefix: bullPrefix(prefix), concurrency: opts.concurrency },
  );
  try {
    for (let i = 0; i < opts.count; i += 200) {
      const size = Math.min(200, opts.count - i);
      await queue.addBulk(
        Array.from({ length: size }, (_, j) => ({
          name: 'raw',
          data: { i: i + j },
          opts: { jobId: `raw-${i + j}` },
        })),
      );
    }
    await allDone;
    const seconds = (performance.now() - started) / 1000;
    return { count: opts.count, seconds, perSecond: opts.count / seconds };
  } finally {
    await worker.close();
    await queue.close();
  }
}

/** Counts requests and bytes, and when each submission (by its planbrygga-submission-id) arrived. */
async function loopbackReceiver() {
  let hits = 0;
  let bytes = 0;
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      hits += 1;
      const submissionId = req.headers['planbrygga-submission-id'];
      if (typeof submissionId === 'string' && !arrivals.has(submissionId)) {
        arrivals.set(submissionId, performance.now());
      }
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/submissions`,
    hits: () => hits,
    arrivals,
    averageBytes: () => (hits === 0 ? 0 : Math.round(bytes / hits)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
