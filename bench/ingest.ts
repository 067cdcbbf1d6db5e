// Ingest: plans/s through the real HTTP API (POST /v1/plans on a real socket) against bare
// `pg` inserts of the same rows, both at the same concurrency. Goal: ratio ≥ 0.5.
// npm run bench -- ingest [--count 2000] [--concurrency 50] [--warmup 200]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Plan } from '../src/domain/plan.js';
import { createPoster } from './support/http-client.js';
import { formatRate, type LoadResult, runConcurrently } from './support/load.js';
import { integerOptions } from './support/options.js';
import { insertRawPlan, RAW_TABLES, type RawPlan } from './support/raw-plan-writer.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { runCli, startServer } from './support/server.js';

const EXAMPLE = new URL('../../examples/canonical/lss-gruppbostad-elias.json', import.meta.url);
const GOAL = 0.5;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 2000, concurrency: 50, warmup: 200 });
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Plan;
  // Every push carries its own source plan id, so each one is a real insert of a new plan.
  const plans = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      ...example,
      plan: { ...example.plan, sourcePlanId: `${prefix}-${i}` },
    }));

  const scratch = await createScratchDatabase();
  const redisKeyPrefix = `${scratch.name}:`;
  const indexKey = randomBytes(32).toString('hex');
  const env = {
    ...process.env,
    DATABASE_URL: scratch.url,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    PLANBRYGGA_INDEX_KEY: indexKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  console.log(`ingest: ${opts.count} new plans, ${opts.concurrency} concurrent, database ${scratch.name}`);
  try {
    const api = await measureApi(env, example.plan.municipalityCode, opts, plans);
    const written = await rowsPerPlan(scratch.url, opts.count + opts.warmup);
    await truncatePlans(scratch.url);
    const raw = await measureRaw(scratch.url, indexKey, opts, plans);
    report(api, raw, written);
  } finally {
    await scratch.drop();
    await deleteRedisKeys(redisKeyPrefix);
  }
}

type Options = { count: number; concurrency: number; warmup: number };
type PlanBatch = (prefix: string, n: number) => Plan[];

async function measureApi(
  env: NodeJS.ProcessEnv,
  org: string,
  opts: Options,
  plans: PlanBatch,
): Promise<LoadResult> {
  const key = await runCli(
    ['clients', 'create', '--name', 'bench', '--org', org, '--scopes', 'plans:write'],
    env,
  );
  const server = await startServer(['serve', '--no-workers'], env);
  const client = createPoster(server.baseUrl, opts.concurrency);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const push = (bodies: Buffer[]) => async (i: number) => {
    const res = await client.post('/v1/plans', bodies[i]!, headers);
    if (res.status !== 201)
      throw new Error(`POST /v1/plans answered ${res.status}: ${res.body.slice(0, 500)}`);
  };
  const encode = (batch: Plan[]) => batch.map((p) => Buffer.from(JSON.stringify(p)));
  try {
    await runConcurrently(opts.warmup, opts.concurrency, push(encode(plans('api-warmup', opts.warmup))));
    return await runConcurrently(opts.count, opts.concurrency, push(encode(plans('api', opts.count))));
  } finally {
    client.close();
    await server.stop();
  }
}

async function measureRaw(
  url: string,
  indexKey: string,
  opts: Options,
  plans: PlanBatch,
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: opts.concurrency });
  const toRaw = (batch: Plan[]): RawPlan[] =>
    batch.map((p) => ({
      organisation: p.plan.municipalityCode,
      sourcePlanId: p.plan.sourcePlanId,
      unitId: p.plan.unit.id,
      law: p.plan.law,
      serviceType: p.plan.serviceType.code,
      identityNumber: p.person.identityNumber,
      document: Buffer.from(JSON.stringify(p)),
    }));
  const insert = (batch: RawPlan[]) => (i: number) => insertRawPlan(pool, batch[i]!, indexKey);
  try {
    await runConcurrently(opts.warmup, opts.concurrency, insert(toRaw(plans('raw-warmup', opts.warmup))));
    return await runConcurrently(opts.count, opts.concurrency, insert(toRaw(plans('raw', opts.count))));
  } finally {
    await pool.end();
  }
}

/** Rows per pushed plan in every table the service wrote to, so the baseline's fairness is visible. */
async function rowsPerPlan(url: string, pushed: number): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
         AND table_name NOT LIKE 'kysely_%' AND table_name <> 'clients'`,
    );
    const counts = new Map<string, number>();
    for (const { table_name } of rows) {
      const { rows: c } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}"`);
      const n = Number(c[0]!.n);
      if (n > 0) counts.set(table_name, n / pushed);
    }
    return counts;
  } finally {
    await client.end();
  }
}

async function truncatePlans(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('TRUNCATE plans CASCADE');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

function report(api: LoadResult, raw: LoadResult, written: Map<string, number>): void {
  const rows = [...written].map(([table, n]) => `${table} ${n.toFixed(2)}`).join(', ');
  console.log(`  service wrote per plan: ${rows}`);
  const missed = [...written.keys()].filter((t) => !(RAW_TABLES as readonly string[]).includes(t));
  if (missed.length) console.log(`  note: the raw baseline does not write ${missed.join(', ')}`);
  console.log(`  HTTP API (POST /v1/plans): ${formatRate(api, 'plans')}`);
  console.log(`  raw pg (same rows, one transaction per plan): ${formatRate(raw, 'plans')}`);
  const ratio = api.perSecond / raw.perSecond;
  console.log(`  ratio API/raw: ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`);
}
