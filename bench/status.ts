// Status: GET /v1/plans/{id}/status with a matching If-None-Match (→ 304) through the real HTTP
// API, against a bare fastify route in its own process answering 304 to the same requests
// (bench/support/bare-status-server.ts), both at the same number of connections, driven by
// autocannon. The 200 case (no If-None-Match) is measured beside them for reference. The three
// take turns in ten slices after their warm-ups, so drift in machine load weighs on each alike.
// Goals: ratio 304 API/bare ≥ 0.5, API 304 p99 < 20 ms.
// Then long-pollers (GET /v1/changes?wait=30) wait while a plan is pushed, round after round:
// the time from the push's answer (its commit) to each poller's answer, p50 and p99.
// npm run bench -- status [--plans 300] [--count 20000] [--connections 50] [--warmup 2000]
//   [--pollers 50] [--poll-rounds 20]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../src/domain/plan.js';
import { load, type Measured, percentile } from './support/autocannon-load.js';
import { createPoster } from './support/http-client.js';
import { runConcurrently } from './support/load.js';
import { integerOptions } from './support/options.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { type RunningServer, runCli, startServer } from './support/server.js';

const EXAMPLE = new URL('../../examples/canonical/lss-gruppbostad-elias.json', import.meta.url);
const BARE_SERVER = fileURLToPath(new URL('./support/bare-status-server.js', import.meta.url));
const RATIO_GOAL = 0.5;
const P99_GOAL_MS = 20;
const ROUNDS = 10;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, {
    plans: 300,
    count: 20_000,
    connections: 50,
    warmup: 2000,
    pollers: 50,
    'poll-rounds': 20,
  });
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Plan;
  const db = await createScratchDatabase();
  const redisKeyPrefix = `${db.name}:`;
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    PLANBRYGGA_INDEX_KEY: randomBytes(32).toString('hex'),
    // High enough never to refuse the benchmark, but the limiter still does its per-request work.
    RATE_LIMIT_MAX: '100000000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  console.log(
    `status: ${opts.plans} plans, ${opts.count} requests per case, ${opts.connections} connections, database ${db.name}`,
  );
  const servers: RunningServer[] = [];
  try {
    const key = await runCli(
      [
        'clients',
        'create',
        '--name',
        'bench',
        '--org',
        example.plan.municipalityCode,
        '--scopes',
        'plans:write,plans:read,status:read',
      ],
      env,
    );
    const api = await startServer(['serve', '--no-workers'], env);
    servers.push(api);
    const bare = await startServer([], env, BARE_SERVER);
    servers.push(bare);
    const authorization = `Bearer ${key}`;
    const plans = await pushPlans(api.baseUrl, authorization, example, opts.plans, opts.connections);
    const fresh = plans.map(({ path }) => ({ method: 'GET' as const, path, headers: { authorization } }));
    const cached = plans.map(({ path, etag }) => ({
      method: 'GET' as const,
      path,
      headers: { authorization, 'if-none-match': etag },
    }));
    const cases = {
      api304: { url: api.baseUrl, requests: cached, status: 304 },
      bare304: { url: bare.baseUrl, requests: cached, status: 304 },
      api200: { url: api.baseUrl, requests: fresh, status: 200 },
    };
    const names = Object.keys(cases) as (keyof typeof cases)[];
    const results = Object.fromEntries(
      names.map((n) => [n, { requests: 0, seconds: 0, latencies: [] } as Measured]),
    ) as Record<keyof typeof cases, Measured>;
    for (const name of names) await load(cases[name], opts.connections, opts.warmup);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const slice = await load(cases[name], opts.connections, Math.ceil(opts.count / ROUNDS));
        results[name].requests += slice.requests;
        results[name].seconds += slice.seconds;
        results[name].latencies.push(...slice.latencies);
      }
    }
    report(results);
    const latencies = await longPollLatencies(api.baseUrl, authorization, example, {
      pollers: opts.pollers,
      rounds: opts['poll-rounds'],
    });
    console.log(
      `  long poll, ${opts.pollers} waiters × ${opts['poll-rounds']} commits: commit→answer ` +
        `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms`,
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await db.drop();
    await deleteRedisKeys(process.env.REDIS_URL || 'redis://127.0.0.1:6379', redisKeyPrefix);
  }
}

/** Pushes `count` copies of the example as new plans and reads each one's status once for its ETag. */
async function pushPlans(
  baseUrl: string,
  authorization: string,
  example: Plan,
  count: number,
  concurrency: number,
): Promise<{ path: string; etag: string }[]> {
  const client = createPoster(baseUrl, concurrency);
  const plans: { path: string; etag: string }[] = [];
  try {
    await runConcurrently(count, concurrency, async (i) => {
      const body = { ...example, plan: { ...example.plan, sourcePlanId: `status-${i}` } };
      const pushed = await client.post('/v1/plans', Buffer.from(JSON.stringify(body)), {
        authorization,
        'content-type': 'application/json',
      });
      if (pushed.status !== 201) throw new Error(`POST /v1/plans answered ${pushed.status}: ${pushed.body}`);
      const path = `/v1/plans/${(JSON.parse(pushed.body) as { id: string }).id}/status`;
      const read = await fetch(new URL(path, baseUrl), { headers: { authorization } });
      const etag = read.headers.get('etag');
      if (read.status !== 200 || !etag)
        throw new Error(`GET ${path} answered ${read.status} without an ETag`);
      await read.arrayBuffer();
      plans[i] = { path, etag };
    });
  } finally {
    client.close();
  }
  return plans;
}

/**
 * Each round: `pollers` requests wait on the change feed at the current cursor, one plan is
 * pushed, and each waiter's answer is timed from the push's answer (by then it has committed).
 */
async function longPollLatencies(
  baseUrl: string,
  authorization: string,
  example: Plan,
  options: { pollers: number; rounds: number },
): Promise<number[]> {
  const headers = { authorization };
  const latencies: number[] = [];
  const feed = async (after: string, wait: number) => {
    const res = await fetch(new URL(`/v1/changes?after=${after}&wait=${wait}&limit=1000`, baseUrl), {
      headers,
    });
    if (res.status !== 200) throw new Error(`GET /v1/changes answered ${res.status}`);
    return { at: performance.now(), body: (await res.json()) as { items: unknown[]; cursor: string } };
  };
  let cursor = '0';
  // Skip to the end of the feed.
  for (let page = await feed(cursor, 0); page.body.items.length > 0; page = await feed(cursor, 0))
    cursor = page.body.cursor;
  for (let round = 0; round < options.rounds; round++) {
    const waiting = Array.from({ length: options.pollers }, () => feed(cursor, 30));
    // Let every waiter reach its wait before the change commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const body = { ...example, plan: { ...example.plan, sourcePlanId: `long-poll-${round}` } };
    const pushed = await fetch(new URL('/v1/plans', baseUrl), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const committed = performance.now();
    if (pushed.status !== 201) throw new Error(`POST /v1/plans answered ${pushed.status}`);
    await pushed.arrayBuffer();
    for (const answer of await Promise.all(waiting)) {
      if (answer.body.items.length === 0) throw new Error('a long-poller was answered without the change');
      latencies.push(answer.at - committed);
      cursor = answer.body.cursor;
    }
  }
  return latencies;
}

function report(results: Record<'api304' | 'bare304' | 'api200', Measured>): void {
  const line = (label: string, m: Measured) =>
    `  ${label}: ${(m.requests / m.seconds).toFixed(0)} requests/s (${m.requests} in ${m.seconds.toFixed(2)} s), ` +
    `p50 ${percentile(m.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(m.latencies, 0.99).toFixed(1)} ms`;
  const { api304, bare304, api200 } = results;
  console.log(line('API, 304 (If-None-Match)', api304));
  console.log(line('floor: bare fastify 304', bare304));
  console.log(line('API, 200 (no If-None-Match), for reference', api200));
  const ratio = api304.requests / api304.seconds / (bare304.requests / bare304.seconds);
  const p99 = percentile(api304.latencies, 0.99);
  console.log(
    `  ratio API/bare (304): ${ratio.toFixed(2)} (goal ≥ ${RATIO_GOAL}) ${ratio >= RATIO_GOAL ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  API 304 p99: ${p99.toFixed(1)} ms (goal < ${P99_GOAL_MS} ms) ${p99 < P99_GOAL_MS ? 'met' : 'NOT met'}`,
  );
}
