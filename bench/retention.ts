// Retention: versions pruned per second by the retention run (batches of plans, each locked,
// its facts read, the rules applied, content removed, one audit entry per plan) against the
// floor measured in the same run: one bare UPDATE that removes the content of the same rows.
// Goal: 100,000 versions pruned in under 60 s. Then, as on a day AUDIT_RETENTION_DAYS later, the
// removal of the ended plans' metadata (every version row, its plan and blind index) is timed too.
// npm run bench -- retention [--plans 10000] [--versions 10] [--bytes 512]
// Half the plans ended two years ago (every version goes); in the other half every version but
// the latest was superseded then (the latest stays). The document is random bytes of --bytes.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { serviceContext } from '../src/app.js';
import { closeDependencies, createDependencies } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { addDays } from '../src/domain/calendar-date.js';
import { createLogger } from '../src/logger.js';
import { runRetention } from '../src/services/retention.service.js';
import { integerOptions } from './support/options.js';
import { createScratchDatabase } from './support/scratch-database.js';

const GOAL_SECONDS = 60;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { plans: 10_000, versions: 10, bytes: 512 });
  const scratch = await createScratchDatabase();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: scratch.url,
    REDIS_KEY_PREFIX: `${scratch.name}:`,
    PLANBRYGGA_INDEX_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const deps = createDependencies(config, createLogger(config.logLevel, process.stderr));
  console.log(
    `retention: ${opts.plans} plans × ${opts.versions} versions (${opts.plans * opts.versions} versions, ${opts.bytes}-byte documents), database ${scratch.name}`,
  );
  try {
    await seed(deps.db, opts);
    const prunable = await countPrunable(deps.db);

    const floorStart = performance.now();
    const bare = await sql`update plan_versions v set document = null, warnings = '[]'::jsonb,
        pruned_at = now(), prune_reason = 'retention'
      from plans p where p.id = v.plan_id and (p.status = 'ended' or v.version < p.current_version)`.execute(
      deps.db,
    );
    const floorSeconds = (performance.now() - floorStart) / 1000;
    await restore(deps.db, opts.bytes);

    const start = performance.now();
    // As the nightly job runs it: audit retention included (nothing here is old enough to go).
    const summary = await runRetention(serviceContext(deps), {
      runId: `retention:${randomUUID()}`,
      auditRetentionDays: config.auditRetentionDays,
    });
    const seconds = (performance.now() - start) / 1000;

    console.log(
      `floor (one bare UPDATE of the same rows): ${Number(bare.numAffectedRows)} versions in ${floorSeconds.toFixed(2)} s`,
    );
    console.log(
      `retention run: ${summary.pruned} versions of ${summary.plans} plans pruned in ${seconds.toFixed(2)} s (${Math.round(summary.pruned / seconds)}/s), kept ${JSON.stringify(summary.kept)}`,
    );
    console.log(
      `ratio run/floor: ${(seconds / floorSeconds).toFixed(1)}×; goal < ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? 'met' : 'NOT met'}`,
    );
    if (summary.pruned !== prunable)
      throw new Error(`expected ${prunable} versions pruned, got ${summary.pruned}`);

    // Five years and a day on, the ended plans' metadata goes, every row kept about them.
    const later = addDays(summary.date, config.auditRetentionDays + 1);
    const removalStart = performance.now();
    const removal = await runRetention(serviceContext(deps), {
      runId: `retention:${randomUUID()}`,
      today: later,
      auditRetentionDays: config.auditRetentionDays,
    });
    const removalSeconds = (performance.now() - removalStart) / 1000;
    console.log(
      `metadata removal as on ${later}: ${removal.plansRemoved} plans (${removal.plansRemoved * opts.versions} versions) removed in ${removalSeconds.toFixed(2)} s`,
    );
    if (removal.plansRemoved !== opts.plans / 2)
      throw new Error(`expected ${opts.plans / 2} plans removed, got ${removal.plansRemoved}`);
  } finally {
    await closeDependencies(deps);
    await scratch.drop();
  }
}

/** Plans, versions with documents of random bytes, and ends, written in bulk by SQL. */
async function seed(db: Db, opts: { plans: number; versions: number; bytes: number }): Promise<void> {
  const longAgo = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
  await sql`insert into plans (organisation, source_system, source_plan_id, unit_id, law, service_type,
      current_version, status, person_index, created_at, updated_at)
    select '0180', 'canonical', 'BENCH-' || n, 'HT-SODER', 'SoL', 'HEMTJANST', ${opts.versions},
      case when n % 2 = 0 then 'ended' else 'established' end, md5(n::text), ${longAgo}, ${longAgo}
    from generate_series(1, ${opts.plans}) n`.execute(db);
  await sql`insert into plan_versions (plan_id, version, content_hash, document, warnings, source_system, created_at)
    select p.id, v, md5(p.id::text || v), ${randomBytes(opts.bytes)}, '[]'::jsonb, 'canonical', ${longAgo}
    from plans p cross join generate_series(1, ${opts.versions}) v`.execute(db);
  await sql`insert into plan_ends (plan_id, version, ended_on, recorded_by, recorded_at)
    select id, current_version, ${longAgo.toISOString().slice(0, 10)}::date, 'bench', ${longAgo}
    from plans where status = 'ended'`.execute(db);
  await sql`vacuum analyze`.execute(db);
}

async function countPrunable(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from plan_versions v
    join plans p on p.id = v.plan_id where p.status = 'ended' or v.version < p.current_version`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Puts the content back after the floor's UPDATE, so the run prunes the same rows. */
async function restore(db: Db, bytes: number): Promise<void> {
  await sql`update plan_versions set document = ${randomBytes(bytes)}, pruned_at = null, prune_reason = null
    where pruned_at is not null`.execute(db);
  await sql`vacuum analyze`.execute(db);
}
