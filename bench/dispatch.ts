// Dispatch: submissions delivered per second end to end (outbox row → relay → BullMQ → worker
// renders the plan in the receiver's format → signed HTTP POST to a loopback receiver →
// delivery and submission recorded) against raw BullMQ add + process of the same count with a
// trivial processor, at the same worker concurrency. Goal: ratio ≥ 0.3.
// Also measured in the same run, as the floor of any delivery on this machine: the same jobs
// whose processor only POSTs a body of the rendered size to the same loopback receiver.
// npm run bench -- dispatch [--count 2000] [--concurrency 20] [--plans 200] [--orgs 1]
// --orgs spreads the plans over several organisations, as a hub serves; since the change feed
// is numbered after commit, one organisation's deliveries no longer wait for each other.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { type RawBuilder, sql } from 'kysely';
import { buildApp, serviceContext } from '../src/app.js';
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

const EXAMPLE = new URL('../../examples/canonical/hemtjanst-astrid.json', import.meta.url);
const GOAL = 0.3;

type Options = { count: number; concurrency: number; plans: number; orgs: number };

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 2000, concurrency: 20, plans: 200, orgs: 1 });
  const db = await createScratchDatabase();
  const keyPrefix = `${db.name}:`;
  const receiver = await loopbackReceiver();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: keyPrefix,
    PLANBRYGGA_INDEX_KEY: randomBytes(32).toString('hex'),
    WORKER_CONCURRENCY: String(opts.concurrency),
    RELAY_POLL_INTERVAL_MS: '50',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  console.log(
    `dispatch: ${opts.count} submissions of ${opts.plans} plans in ${opts.orgs} organisation(s), worker concurrency ${opts.concurrency}, database ${db.name}`,
  );
  try {
    const e2e = await measureEndToEnd(config, receiver, opts);
    const raw = await measureRawBullMq(config.redisUrl, `${keyPrefix}raw`, opts);
    const post = postOnly(receiver.url, receiver.averageBytes());
    const floor = await measureRawBullMq(config.redisUrl, `${keyPrefix}floor`, opts, post);
    console.log(
      `  end to end (outbox → BullMQ → render → HTTP → recorded): ${formatRate(e2e, 'submissions')}`,
    );
    console.log(`  raw BullMQ add + trivial process:                         ${formatRate(raw, 'jobs')}`);
    console.log(`  floor: raw BullMQ + one POST to the same receiver:        ${formatRate(floor, 'jobs')}`);
    const ratio = e2e.perSecond / raw.perSecond;
    console.log(`  ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`);
    console.log(
      `  ratio floor/raw: ${(floor.perSecond / raw.perSecond).toFixed(2)}; end to end/floor: ${(e2e.perSecond / floor.perSecond).toFixed(2)}`,
    );
  } finally {
    await receiver.close();
    await db.drop();
    await deleteRedisKeys(config.redisUrl, keyPrefix);
  }
}

/**
 * Plans are pushed through the API and submitted (submitPlan: submission rows and outbox
 * rows, as `POST /v1/plans/{id}/submissions` writes them) before the clock starts; then the
 * relay and workers start and the clock runs until every submission is recorded delivered.
 */
async function measureEndToEnd(
  config: ReturnType<typeof loadConfig>,
  receiver: Awaited<ReturnType<typeof loopbackReceiver>>,
  opts: Options,
): Promise<LoadResult> {
  const deps = createDependencies(config);
  const ctx = serviceContext(deps);
  const app = await buildApp(deps);
  try {
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Plan;
    const organisations = Array.from({ length: opts.orgs }, (_, i) => String(1000 + i));
    const plans: { caller: Caller; id: string }[] = [];
    for (const organisation of organisations) {
      const scopes = ['plans:write'] as const;
      const { key, client } = await createClient(ctx, { name: 'bench', organisation, scopes: [...scopes] });
      const caller = { clientId: client.id, organisation, scopes };
      for (let i = 0; i < Math.ceil(opts.plans / opts.orgs); i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/plans',
          headers: { authorization: `Bearer ${key}` },
          payload: {
            ...example,
            plan: { ...example.plan, municipalityCode: organisation, sourcePlanId: `bench-${i}` },
          },
        });
        if (res.statusCode !== 201) throw new Error(`POST /v1/plans answered ${res.statusCode}: ${res.body}`);
        plans.push({ caller, id: res.json<{ id: string }>().id });
      }
    }
    // Created after the pushes, so that only the submissions below go to them.
    for (const organisation of organisations) {
      await insertDestination(
        jobTables(deps.db),
        {
          organisation,
          kind: 'submission',
          system: 'pulsen-combine',
          url: receiver.url,
          secret: generateWebhookSecret(),
        },
        encryptedSecretCodec(deps.cipher),
        new Date(),
      );
    }
    for (let i = 0; i < opts.count; i++) {
      const plan = plans[i % plans.length]!;
      await submitPlan(ctx, plan.caller, plan.id, `bench-${i}`);
    }
    const queued = await count(deps, sql`select count(*) as n from outbox where kind = 'submission.deliver'`);
    if (queued !== opts.count) throw new Error(`expected ${opts.count} outbox rows, found ${queued}`);

    const started = performance.now();
    const dispatch = startDispatch(deps);
    try {
      const delivered = sql`select count(*) as n from submissions where status = 'delivered'`;
      while ((await count(deps, delivered)) < opts.count)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const seconds = (performance.now() - started) / 1000;
      if (receiver.hits() < opts.count)
        throw new Error(`the receiver saw ${receiver.hits()} of ${opts.count}`);
      return { count: opts.count, seconds, perSecond: opts.count / seconds };
    } finally {
      await dispatch.close(1_000);
    }
  } finally {
    await app.close();
    await closeDependencies(deps);
  }
}

async function count(
  deps: ReturnType<typeof createDependencies>,
  query: RawBuilder<unknown>,
): Promise<number> {
  const { rows } = await (query as RawBuilder<{ n: string }>).execute(deps.db);
  return Number(rows[0]?.n);
}

/** A processor that only sends a body of `bytes` bytes to the receiver, with keep-alive, as fetch does. */
function postOnly(url: string, bytes: number): () => Promise<void> {
  const body = 'x'.repeat(bytes);
  return async () => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the receiver answered ${res.status}`);
  };
}

/**
 * The same count of jobs added in bulk to a plain queue and processed by a worker that does
 * nothing, or only `work`.
 */
async function measureRawBullMq(
  redisUrl: string,
  prefix: string,
  opts: Options,
  work?: () => Promise<void>,
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
      await work?.();
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

async function loopbackReceiver(): Promise<{
  url: string;
  hits(): number;
  averageBytes(): number;
  close(): Promise<void>;
}> {
  let hits = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      hits += 1;
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/submissions`,
    hits: () => hits,
    averageBytes: () => (hits === 0 ? 0 : Math.round(bytes / hits)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
