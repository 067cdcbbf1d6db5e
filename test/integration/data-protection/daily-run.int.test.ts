import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-database.js';
import { isolatedRedisPrefix, waitFor } from '../delivery/queues/support.js';
import { heldVersions, organisationIn } from './support.js';

/**
 * Issue 22, item 2: the retention run runs in the worker processes on a schedule, one run each
 * time however many workers there are, and counts in /metrics. Two instances share a database
 * and a Redis prefix of the file's own (another file's workers must not take these jobs), each
 * scheduling the run every second instead of daily.
 */
const EVERY_SECOND = '* * * * * *';
let scratch: ScratchDatabase;
let redis: ReturnType<typeof isolatedRedisPrefix>;
let now = new Date('2025-01-20T10:00:00+01:00');
const instances: TestApp[] = [];
const dispatches: Dispatch[] = [];

async function instance(): Promise<TestApp> {
  const t = await createTestApp({
    clock: () => now,
    env: {
      DATABASE_URL: scratch.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      METRICS_TOKEN: METRICS_TOKEN,
    },
  });
  instances.push(t);
  return t;
}
const METRICS_TOKEN = randomBytes(24).toString('hex');

beforeAll(async () => {
  scratch = await createScratchDatabase('dailyrun');
  redis = isolatedRedisPrefix();
}, 60_000);

afterAll(async () => {
  await Promise.all(dispatches.map((d) => d.close(1_000)));
  await Promise.all(instances.map((t) => t.close()));
  await redis?.clean();
  await scratch?.drop();
});

interface RunRow {
  job_id: string | null;
  versions_pruned: number;
}

async function runs(t: TestApp): Promise<RunRow[]> {
  const { rows } = await sql<RunRow>`
    select job_id, versions_pruned from retention_runs order by id`.execute(t.deps.db);
  return rows;
}

describe('the scheduled retention run', () => {
  it('two workers scheduling it make one run each time it is due, and /metrics counts it', async () => {
    const first = await instance();
    const second = await instance();
    const org = await organisationIn(first);
    const plan = org.plan('DAILY-RUN');
    const { id } = await org.push(plan);
    await org.push({ ...plan, approach: 'Tala lugnt, ge tid och upprepa vid behov.' });
    // Past the 90 days of the default policy: version 1 may go, version 2 is the latest.
    now = new Date('2025-06-01T10:00:00+02:00');

    for (const t of [first, second]) {
      dispatches.push(startDispatch(t.deps, { schedules: { 'retention.run': EVERY_SECOND } }));
    }
    await waitFor(async () => (await runs(first)).length >= 4, 20_000);
    await Promise.all(dispatches.splice(0).map((d) => d.close(1_000)));
    await first.deps.queues.queue('maintenance').removeJobScheduler('retention.run');

    const recorded = await runs(first);
    // Each run is one job of the one schedule: `repeat:retention.run:<when due>`, no due time twice.
    const due = recorded.map((run) => run.job_id?.match(/^repeat:retention\.run:(\d+)$/)?.[1]);
    expect(due.every((at) => at !== undefined)).toBe(true);
    expect(new Set(due).size).toBe(recorded.length);
    expect(recorded.reduce((sum, run) => sum + run.versions_pruned, 0)).toBe(1);
    expect(await heldVersions(first, id)).toEqual({ 1: false, 2: true });

    // One audit entry for the plan pruned, joined to the job that pruned it.
    const { rows: audit } = await sql<{ request_id: string }>`
      select request_id from audit_log where action = 'plan.content.prune' and plan_id = ${id}`.execute(
      first.deps.db,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.request_id).toMatch(/^retention:repeat:retention\.run:\d+$/);

    // Either instance's /metrics says the same: read from PostgreSQL at the scrape.
    for (const t of [first, second]) {
      const res = await t.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.statusCode).toBe(200);
      expect(sample(res.body, 'planbrygga_retention_runs_total')).toBe(recorded.length);
      expect(sample(res.body, 'planbrygga_retention_pruned_versions_total')).toBe(1);
      expect(sample(res.body, 'planbrygga_retention_last_run_timestamp_seconds')).toBe(now.getTime() / 1000);
      expect(sample(res.body, 'planbrygga_retention_kept_versions{reason="latest_version"}')).toBe(1);
      expect(sample(res.body, 'planbrygga_plan_versions_pruned{reason="retention"}')).toBe(1);
      expect(sample(res.body, 'planbrygga_plan_versions_pruned{reason="erasure"}')).toBe(0);
    }
  }, 60_000);
});

/** The value of one series, e.g. `planbrygga_retention_kept_versions{reason="legal_hold"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
