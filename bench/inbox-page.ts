// The case officer's inbox page: GET /inbox (first page, 50 rows, names decrypted and the page
// rendered) with 5,000 submissions waiting for one organisation, against the floor of the
// same 50 items as bare JSON from GET /v1/inbox?limit=50 of the same server. The two take
// turns in ten slices after their warm-ups, so drift in machine load weighs on each alike.
// Goal: /inbox p99 < 100 ms.
// npm run bench -- inbox-page [--plans 5000] [--count 2000] [--connections 1] [--warmup 200]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createDatabase } from '../src/db/database.js';
import type { Plan } from '../src/domain/plan.js';
import { createBrowserSessions } from '../src/http/browser/browser-sessions.js';
import { load, type Measured, percentile } from './support/autocannon-load.js';
import { createPoster } from './support/http-client.js';
import { runConcurrently } from './support/load.js';
import { integerOptions } from './support/options.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { type RunningServer, runCli, startServer } from './support/server.js';

const EXAMPLE = new URL('../../examples/canonical/lss-gruppbostad-elias.json', import.meta.url);
const P99_GOAL_MS = 100;
const ROUNDS = 10;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { plans: 5000, count: 2000, connections: 1, warmup: 200 });
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Plan;
  const organisation = example.plan.municipalityCode;
  const db = await createScratchDatabase();
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redisKeyPrefix = `${db.name}:`;
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    PLANBRYGGA_INDEX_KEY: randomBytes(32).toString('hex'),
    RATE_LIMIT_MAX: '100000000',
    // The pages are on; a signed-in session is written below, so the provider is never asked.
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_ID: 'bench',
    OIDC_CLIENT_SECRET: 'bench',
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  console.log(
    `inbox-page: ${opts.plans} waiting submissions, ${opts.count} requests per case, database ${db.name}`,
  );
  let server: RunningServer | undefined;
  const redis = new Redis(redisUrl, { keyPrefix: redisKeyPrefix, lazyConnect: true });
  try {
    const key = await runCli(
      ['clients', 'create', '--name', 'bench', '--org', organisation, '--scopes', 'plans:write,inbox:read'],
      env,
    );
    server = await startServer(['serve', '--no-workers'], env);
    const authorization = `Bearer ${key}`;
    await pushPlans(server.baseUrl, authorization, example, opts.plans, 50);
    const waiting = await countWaiting(db.url, organisation);
    if (waiting < opts.plans) throw new Error(`only ${waiting} submissions wait in the inbox`);

    const clientId = await firstClientId(db.url);
    const sessions = createBrowserSessions(redis, () => new Date(), {
      sessionIdleSeconds: 3600,
      sessionMaxSeconds: 3600,
    });
    const { id } = await sessions.create({
      person: { subject: 'bench', name: 'Bench Handläggare', organisation, roles: ['lss-handlaggare'] },
      clientId,
    });
    const cases = {
      page: { url: `${server.baseUrl}/inbox`, status: 200, headers: { cookie: `planbrygga_session=${id}` } },
      json: { url: `${server.baseUrl}/v1/inbox?limit=50`, status: 200, headers: { authorization } },
    };
    const results: Record<keyof typeof cases, Measured> = {
      page: { requests: 0, seconds: 0, latencies: [] },
      json: { requests: 0, seconds: 0, latencies: [] },
    };
    for (const name of ['page', 'json'] as const) await load(cases[name], opts.connections, opts.warmup);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['page', 'json'] as const) {
        const slice = await load(cases[name], opts.connections, Math.ceil(opts.count / ROUNDS));
        results[name].requests += slice.requests;
        results[name].seconds += slice.seconds;
        results[name].latencies.push(...slice.latencies);
      }
    }
    const line = (label: string, m: Measured) =>
      `  ${label}: ${(m.requests / m.seconds).toFixed(0)} requests/s, ` +
      `p50 ${percentile(m.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(m.latencies, 0.99).toFixed(1)} ms`;
    console.log(line('GET /inbox, first page (HTML)', results.page));
    console.log(line('floor: GET /v1/inbox?limit=50 (JSON)', results.json));
    const p99 = percentile(results.page.latencies, 0.99);
    const ratio =
      results.page.requests / results.page.seconds / (results.json.requests / results.json.seconds);
    console.log(`  ratio page/JSON: ${ratio.toFixed(2)}`);
    console.log(
      `  /inbox p99: ${p99.toFixed(1)} ms (goal < ${P99_GOAL_MS} ms) ${p99 < P99_GOAL_MS ? 'met' : 'NOT met'}`,
    );
  } finally {
    await server?.stop();
    redis.disconnect();
    await db.drop();
    await deleteRedisKeys(redisUrl, redisKeyPrefix);
  }
}

/** Pushes `count` copies of the example (established, communicated, signed: each submitted at once). */
async function pushPlans(
  baseUrl: string,
  authorization: string,
  example: Plan,
  count: number,
  concurrency: number,
) {
  const client = createPoster(baseUrl, concurrency);
  try {
    await runConcurrently(count, concurrency, async (i) => {
      const body = { ...example, plan: { ...example.plan, sourcePlanId: `inbox-${i}` } };
      const pushed = await client.post('/v1/plans', Buffer.from(JSON.stringify(body)), {
        authorization,
        'content-type': 'application/json',
      });
      if (pushed.status !== 201) throw new Error(`push answered ${pushed.status}`);
    });
  } finally {
    await client.close();
  }
}

async function countWaiting(url: string, organisation: string): Promise<number> {
  const db = createDatabase(url, { maxConnections: 1 });
  try {
    const row = await db
      .selectFrom('submissions')
      .innerJoin('plans', 'plans.id', 'submissions.plan_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('plans.organisation', '=', organisation)
      .where('submissions.destination_id', 'is', null)
      .where('submissions.status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await db.destroy();
  }
}

async function firstClientId(url: string): Promise<string> {
  const db = createDatabase(url, { maxConnections: 1 });
  try {
    return (await db.selectFrom('clients').select('id').executeTakeFirstOrThrow()).id;
  } finally {
    await db.destroy();
  }
}
