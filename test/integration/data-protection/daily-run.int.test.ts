import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import { startOutboxRelay } from '../../../src/delivery/outbox/outbox-relay.js';
import { JOB_NAMES, type JobHandlers } from '../../../src/delivery/queues/catalogue.js';
import { removeFinishedJobs } from '../../../src/delivery/queues/queues.js';
import { createWorkers } from '../../../src/delivery/queues/workers.js';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { runRetention } from '../../../src/services/retention.service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { dumpRedis } from '../../helpers/redis-dump.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-database.js';
import { isolatedRedisPrefix, waitFor } from '../delivery/queues/support.js';
import { ASTRID, canonicalExample, findSecret, secretsOf } from '../security/full-flow.js';
import { destinationOf, heldVersions, organisationIn } from './support.js';

/**
 * Issue 22, items 2 and 6: the retention run runs in the worker processes on a schedule, one
 * run each time however many workers there are, and counts in /metrics; after it, Redis holds
 * nothing of a pruned plan's personal data, and finished jobs leave Redis past their age. Two instances share a database
 * and a Redis prefix of the file's own (another file's workers must not take these jobs), each
 * scheduling the run every second instead of daily.
 */
const EVERY_SECOND = '* * * * * *';
const METRICS_TOKEN = randomBytes(24).toString('hex');
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
      METRICS_TOKEN,
    },
  });
  instances.push(t);
  return t;
}
beforeAll(async () => {
  scratch = await createScratchDatabase('dailyrun');
  redis = isolatedRedisPrefix();
  await instance();
  await instance();
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
    const [first, second] = instances as [TestApp, TestApp];
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

describe('Redis after pruning', () => {
  it("holds nothing of the plan's personal data, and finished jobs leave it past their age", async () => {
    const [t] = instances as [TestApp];
    now = new Date('2025-01-20T10:00:00+01:00');
    const org = await organisationIn(t);
    // Status write-backs give the plan jobs in Redis.
    await destinationOf(t, org.organisation);
    const plan = canonicalExample(ASTRID, org.organisation, 'REDIS-AFTER');
    const { id } = await org.push(plan);
    await org.push({ ...plan, approach: `${ASTRID.approach ?? ''} Ny version.` });
    await org.ok('POST', `/v1/plans/${id}/end`, { date: '2025-01-20', reason: END_REASON });
    const before = await ciphertexts(t, id);
    expect(before.length).toBeGreaterThan(2);

    // The relay moves the plan's jobs to Redis; workers that do nothing finish them.
    const workers = createWorkers({
      redisUrl: inject('redisUrl'),
      keyPrefix: redis.keyPrefix,
      handlers: Object.fromEntries(
        JOB_NAMES.map((name) => [name, async () => undefined]),
      ) as unknown as JobHandlers,
      logger: t.deps.logger,
    });
    const relay = startOutboxRelay({
      db: t.deps.db,
      publisher: t.deps.queues,
      logger: t.deps.logger,
      pollIntervalMs: 60_000,
    });
    try {
      while ((await relay.relayOnce()) > 0) {}
      const notifications = t.deps.queues.queue('notifications');
      await waitFor(async () => {
        const counts = await notifications.getJobCounts('waiting', 'active', 'delayed', 'completed');
        return (
          counts.waiting === 0 && counts.active === 0 && counts.delayed === 0 && (counts.completed ?? 0) > 0
        );
      });
    } finally {
      await relay.stop();
      await workers.close(1_000);
    }

    now = new Date('2025-06-01T10:00:00+02:00');
    await runRetention(serviceContext(t.deps), { runId: 'retention:redis-test', auditRetentionDays: 1825 });
    expect(Object.values(await heldVersions(t, id))).toEqual([false, false]);

    // The finished jobs are still there (ids only), and nothing they carry is personal.
    const dump = await dumpRedis(inject('redisUrl'), redis.keyPrefix);
    expect(dump).toContain(id);
    expect(findSecret(dump, [...secretsOf(ASTRID), END_REASON, ASTRID.approach ?? ''])).toBeUndefined();
    expect(before.find((ciphertext) => dump.includes(ciphertext))).toBeUndefined();

    // Past their age (here: none), the daily run's sweep removes finished jobs whatever BullMQ did.
    expect(
      await removeFinishedJobs(t.deps.queues, { completedSeconds: 0, failedSeconds: 0 }),
    ).toBeGreaterThan(0);
    expect(await dumpRedis(inject('redisUrl'), redis.keyPrefix)).not.toContain(id);
  }, 60_000);
});

const END_REASON = 'Astrid har flyttat till dottern i Umeå';

/** Every ciphertext that held the plan's personal data, as a dump would show it. */
async function ciphertexts(t: TestApp, planId: string): Promise<string[]> {
  const { rows } = await sql<{ value: string }>`
    select value from (
      select plan_id, encode(document, 'hex') as value from plan_versions where document is not null
      union all select plan_id, reason from plan_ends where reason is not null
    ) held where plan_id = ${planId}`.execute(t.deps.db);
  return rows.map((row) => row.value.slice(-48));
}

/** The value of one series, e.g. `planbrygga_retention_kept_versions{reason="legal_hold"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
