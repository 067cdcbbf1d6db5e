// Ingest: plans/s through the real HTTP API (POST /v1/plans on a real socket) against bare
// `pg` inserts of the same rows, both at the same concurrency. Goal: ratio ≥ 0.5.
// Also measured in the same run, as the floor any HTTP service has on this machine: a bare
// fastify route in its own process that inserts the same rows for each pushed body. The three
// take turns in ten slices after their warm-ups, so drift in machine load weighs on each alike.
// A second API process with DATABASE_PREPARED_STATEMENTS=false (the setting behind a pooler in
// transaction mode) takes its turn too: the cost of parsing and planning every statement.
// npm run bench -- ingest [--count 2000] [--concurrency 50] [--warmup 200]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Plan } from '../src/domain/plan.js';
import { createPoster } from './support/http-client.js';
import { alternated, formatRate, type LoadResult, runConcurrently } from './support/load.js';
import { integerOptions } from './support/options.js';
import { capturePlanRows, insertPlanCopy, type TableRows } from './support/plan-rows.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { type RunningServer, runCli, startServer } from './support/server.js';

const EXAMPLE = new URL('../../examples/canonical/lss-gruppbostad-elias.json', import.meta.url);
const BARE_SERVER = fileURLToPath(new URL('./support/bare-server.js', import.meta.url));
const GOAL = 0.5;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 2000, concurrency: 50, warmup: 200 });
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
  console.log(`ingest: ${opts.count} new plans, ${opts.concurrency} concurrent, database ${db.name}`);
  const pool = new pg.Pool({ connectionString: db.url, max: opts.concurrency });
  const servers: RunningServer[] = [];
  try {
    const org = example.plan.municipalityCode;
    const key = await runCli(
      ['clients', 'create', '--name', 'bench', '--org', org, '--scopes', 'plans:write'],
      env,
    );
    const api = await startServer(['serve', '--no-workers'], env);
    servers.push(api);
    const apiClient = createPoster(api.baseUrl, opts.concurrency);
    const apiHeaders = { authorization: `Bearer ${key}` };
    const calls = opts.warmup + opts.count;
    // The API's first pushes: what they stored is what the baseline and the floor copy.
    const pushTemplate = pusher(apiClient, apiHeaders, example, 'template', opts.warmup);
    await runConcurrently(opts.warmup, opts.concurrency, pushTemplate);
    const template = await planTemplate(pool, opts.warmup, 'template-0');
    const floor = await startBareServer(env, template);
    servers.push(floor);
    const floorClient = createPoster(floor.baseUrl, opts.concurrency);
    const unprepared = await startServer(['serve', '--no-workers'], {
      ...env,
      DATABASE_PREPARED_STATEMENTS: 'false',
    });
    servers.push(unprepared);
    const unpreparedClient = createPoster(unprepared.baseUrl, opts.concurrency);
    const pushToApi = pusher(apiClient, apiHeaders, example, 'api', calls);
    const pushToFloor = pusher(floorClient, {}, example, 'floor', calls);
    const pushUnprepared = pusher(unpreparedClient, apiHeaders, example, 'unprepared', calls);
    try {
      const rates = await alternated(opts, {
        api: pushToApi,
        raw: (i) => insertPlanCopy(pool, template.rows, `raw-${i}`),
        floor: pushToFloor,
        unprepared: pushUnprepared,
      });
      report(rates, template);
    } finally {
      apiClient.close();
      floorClient.close();
      unpreparedClient.close();
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await pool.end();
    await db.drop();
    await deleteRedisKeys(process.env.REDIS_URL || 'redis://127.0.0.1:6379', redisKeyPrefix);
  }
}

/** The floor: a bare fastify route that inserts the baseline's rows for each pushed body (bench/support/bare-server.ts). */
async function startBareServer(env: NodeJS.ProcessEnv, template: Template): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'planbrygga-bench-'));
  const templateFile = join(dir, 'template.json');
  writeFileSync(templateFile, JSON.stringify(template.rows));
  try {
    return await startServer([], { ...env, BARE_TEMPLATE: templateFile }, BARE_SERVER);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Push `i` of `count`: the example with source plan id `<prefix>-<i>`, so every push is a new
 * plan (201). The bodies are made before any is timed.
 */
function pusher(
  client: ReturnType<typeof createPoster>,
  headers: Record<string, string>,
  example: Plan,
  prefix: string,
  count: number,
) {
  const withType = { ...headers, 'content-type': 'application/json' };
  const bodies = Array.from({ length: count }, (_, i) =>
    Buffer.from(JSON.stringify({ ...example, plan: { ...example.plan, sourcePlanId: `${prefix}-${i}` } })),
  );
  return async (i: number): Promise<void> => {
    const res = await client.post('/v1/plans', bodies[i]!, withType);
    if (res.status !== 201)
      throw new Error(`POST /v1/plans answered ${res.status}: ${res.body.slice(0, 500)}`);
  };
}

interface Template {
  rows: TableRows[];
  /** Rows per pushed plan in every table the service wrote to. */
  perPlan: Map<string, number>;
}

/** The rows the service wrote for one of its plans, to be copied by the baseline. */
async function planTemplate(pool: pg.Pool, pushed: number, sampleSourcePlanId: string): Promise<Template> {
  const client = await pool.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
         AND table_name NOT LIKE 'kysely_%' AND table_name <> 'clients'`,
    );
    const perPlan = new Map<string, number>();
    for (const { name } of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${name}"`);
      if (Number(rows[0]!.n) > 0) perPlan.set(name, Number(rows[0]!.n) / pushed);
    }
    const { rows: sample } = await client.query<{ id: string }>(
      'SELECT id FROM plans WHERE source_plan_id = $1',
      [sampleSourcePlanId],
    );
    const rows = await capturePlanRows(client, sample[0]!.id, [...perPlan.keys()]);
    return { rows: rows.filter((t) => t.rows.length > 0), perPlan };
  } finally {
    client.release();
  }
}

function report(rates: Record<'api' | 'raw' | 'floor' | 'unprepared', LoadResult>, template: Template): void {
  const { api, raw, floor, unprepared } = rates;
  const perPlan = [...template.perPlan].map(([table, n]) => `${table} ${n.toFixed(2)}`).join(', ');
  console.log(`  service wrote per plan: ${perPlan}`);
  const copied = template.rows.map((t) => `${t.table} ${t.rows.length}`).join(', ');
  console.log(`  baseline copies per plan: ${copied}`);
  const missed = [...template.perPlan.keys()].filter((t) => !template.rows.some((r) => r.table === t));
  if (missed.length)
    console.log(`  note: the baseline cannot attribute rows of ${missed.join(', ')} to a plan`);
  console.log(`  HTTP API (POST /v1/plans): ${formatRate(api, 'plans')}`);
  console.log(`  bare pg (same rows, one transaction per plan): ${formatRate(raw, 'plans')}`);
  console.log(`  floor: bare fastify route + the same inserts: ${formatRate(floor, 'plans')}`);
  console.log(`  HTTP API, DATABASE_PREPARED_STATEMENTS=false: ${formatRate(unprepared, 'plans')}`);
  const ratio = api.perSecond / raw.perSecond;
  console.log(`  ratio API/bare: ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`);
  console.log(
    `  ratio floor/bare: ${(floor.perSecond / raw.perSecond).toFixed(2)}; API/floor: ${(api.perSecond / floor.perSecond).toFixed(2)}`,
  );
  console.log(
    `  ratio unprepared/prepared API: ${(unprepared.perSecond / api.perSecond).toFixed(2)}; unprepared/bare: ${(unprepared.perSecond / raw.perSecond).toFixed(2)}`,
  );
}
