import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/calendar-date.js';
import { TEST_PERSON } from '../../helpers/plans.js';
import { createProtectionApp, organisationIn, type ProtectionTestApp } from './support.js';

/**
 * Issue 22, item 6: with AUDIT_RETENTION_DAYS, the daily run removes audit entries older than
 * that, and the metadata of a plan whose content went longer ago than that, blind index
 * included; a plan under a legal hold stays; 0 keeps everything. The database itself never
 * lets an entry less than a year old go. The clock starts in 2019, so these entries are old by
 * the database's clock too.
 */
const FIVE_YEARS = 1825;
const PRUNED_ON = '2019-06-01';
let t: ProtectionTestApp;
let org: Awaited<ReturnType<typeof organisationIn>>;
const ids = { gone: '', kept: '', held: '' };

beforeAll(async () => {
  t = await createProtectionApp('auditret', '2019-03-01T10:00:00+01:00');
  org = await organisationIn(t);
  ids.gone = (await org.push(org.plan('AUDIT-GONE'))).id;
  ids.kept = (await org.push(org.plan('AUDIT-KEPT'))).id;
  ids.held = (await org.push(org.plan('AUDIT-HELD'))).id;
  for (const id of [ids.gone, ids.held]) {
    await org.ok('POST', `/v1/plans/${id}/end`, { date: '2019-03-01', reason: 'Insatsen avslutad' });
  }
  // 90 days after the end both ended plans' content goes; the other keeps its latest version.
  t.at(`${PRUNED_ON}T10:00:00+02:00`);
  expect((await t.retention({ today: PRUNED_ON })).pruned).toBe(2);
  await org.ok('POST', `/v1/plans/${ids.held}/holds`, { reason: 'Tvist om insatsen' });
  await org.ok('GET', `/v1/plans/${ids.kept}`);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function planExists(id: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select (select count(*) from plans where id = ${id})
      + (select count(*) from plan_versions where plan_id = ${id})
      + (select count(*) from lifecycle_transitions where plan_id = ${id})
      + (select count(*) from plan_changes where plan_id = ${id}) as n`.execute(t.deps.db);
  return Number(rows[0]?.n) > 0;
}

async function auditDays(): Promise<string[]> {
  const { rows } = await sql<{ day: string }>`
    select distinct ((at at time zone 'Europe/Stockholm')::date)::text as day from audit_log
    where organisation = ${org.organisation} order by 1`.execute(t.deps.db);
  return rows.map((row) => row.day);
}

describe('AUDIT_RETENTION_DAYS', () => {
  it('0 keeps every audit entry and all metadata, however late the run', async () => {
    t.at('2040-01-01T10:00:00+01:00');
    const summary = await t.retention({ today: '2040-01-01', auditRetentionDays: 0 });
    expect(summary).toMatchObject({ plansRemoved: 0, auditEntriesRemoved: 0 });
    expect(await planExists(ids.gone)).toBe(true);
    expect(await auditDays()).toContain('2019-03-01');
  });

  it('removes audit entries written before the day the retention reaches back to, not later ones', async () => {
    const today = addDays(PRUNED_ON, FIVE_YEARS);
    t.at(`${today}T10:00:00+02:00`);
    const summary = await t.retention({ today, auditRetentionDays: FIVE_YEARS });
    expect(summary.auditEntriesRemoved).toBeGreaterThan(0);
    expect(summary.plansRemoved).toBe(0);
    expect((await auditDays())[0]).toBe(PRUNED_ON);
    // The content went on PRUNED_ON itself: five years have not yet passed since.
    expect(await planExists(ids.gone)).toBe(true);
  });

  it('removes the metadata of a plan pruned longer ago, blind index included; a held plan stays', async () => {
    const today = addDays(PRUNED_ON, FIVE_YEARS + 1);
    t.at(`${today}T10:00:00+02:00`);
    const dry = await t.retention({ today, auditRetentionDays: FIVE_YEARS, dryRun: true });
    expect(dry.plansRemoved).toBe(1);
    expect(await planExists(ids.gone)).toBe(true);

    const summary = await t.retention({ today, auditRetentionDays: FIVE_YEARS });
    expect(summary.plansRemoved).toBe(1);
    expect(await planExists(ids.gone)).toBe(false);
    expect(await planExists(ids.held)).toBe(true);
    expect(await planExists(ids.kept)).toBe(true);

    // The blind index went with it: the person's extract no longer finds the plan.
    const access = await org.ok('POST', '/v1/admin/subject-access', {
      personnummer: TEST_PERSON.identityNumber,
    });
    expect((access.plans as { id: string }[]).map((p) => p.id).sort()).toEqual([ids.kept, ids.held].sort());
    // The removal is audited, naming the plan's id only; the entries of PRUNED_ON are gone.
    const { rows } = await sql<{ request_id: string; details: unknown }>`
      select request_id, details from audit_log where action = 'plan.metadata.remove' and plan_id = ${ids.gone}`.execute(
      t.deps.db,
    );
    expect(rows).toEqual([
      {
        request_id: expect.stringMatching(/^retention:/),
        details: { contentPrunedBefore: addDays(PRUNED_ON, 1) },
      },
    ]);
    expect((await auditDays())[0]).toBe(today);
  });
});

describe('audit_log_expire (the one way audit entries go)', () => {
  /** A superuser connection of its own, for roles and settings. */
  async function asSuperuser<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: t.scratch.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  it('never removes an entry less than a year old by the database clock, whatever it is asked', async () => {
    await sql`insert into audit_log (at, organisation, action, request_id, status, outcome)
      values (now() - interval '200 days', ${org.organisation}, 'plan.read', 'young', 200, 'success'),
             (now() - interval '400 days', ${org.organisation}, 'plan.read', 'old', 200, 'success')`.execute(
      t.deps.db,
    );
    const removed = await sql<{ removed: number }>`select audit_log_expire(now(), 1000) as removed`.execute(
      t.deps.db,
    );
    expect(removed.rows[0]?.removed).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ request_id: string }>`
      select request_id from audit_log where request_id in ('young', 'old')`.execute(t.deps.db);
    expect(rows.map((row) => row.request_id)).toEqual(['young']);

    // Not even a superuser who sets the function's flag may delete a young entry directly.
    const refused = await asSuperuser(async (client) => {
      await client.query('begin');
      try {
        await client.query(`select set_config('planbrygga.audit_expiry', 'on', true)`);
        await client.query(`delete from audit_log where request_id = 'young'`);
        return 'allowed';
      } catch (err) {
        return (err as { code?: string }).code;
      } finally {
        await client.query('rollback');
      }
    });
    expect(refused).toBe('42501');
  });

  it('is open to the application role, which still may not DELETE itself', async () => {
    const { rows } = await sql<{ exists: boolean }>`
      select exists (select 1 from pg_roles where rolname = 'planbrygga_app') as exists`.execute(t.deps.db);
    if (!rows[0]?.exists) return;
    const outcome = await asSuperuser(async (client) => {
      await client.query('begin');
      try {
        await client.query('set local role planbrygga_app');
        await client.query('select audit_log_expire(now(), 10)');
        await client.query(`select set_config('planbrygga.audit_expiry', 'on', true)`);
        await client.query(`delete from audit_log where at < now() - interval '400 days'`);
        return 'allowed';
      } catch (err) {
        return (err as { code?: string }).code;
      } finally {
        await client.query('rollback');
      }
    });
    expect(outcome).toBe('42501');
  });
});

describe('idempotency records', () => {
  it('go at the first run more than a day after their request; the answer is no longer stored', async () => {
    t.at('2041-02-01T10:00:00+01:00');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization: org.authorization, 'idempotency-key': 'push-idem-1' },
      payload: org.plan('AUDIT-IDEMPOTENT'),
    });
    expect(res.statusCode, res.body).toBe(201);
    const stored = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from idempotency_keys where key = 'push-idem-1'`.execute(t.deps.db);
      return rows[0]?.n;
    };
    t.at('2041-02-02T09:59:00+01:00');
    expect((await t.retention({ today: '2041-02-02' })).idempotencyRecordsRemoved).toBe(0);
    expect(await stored()).toBe(1);
    t.at('2041-02-02T10:01:00+01:00');
    expect((await t.retention({ today: '2041-02-02', dryRun: true })).idempotencyRecordsRemoved).toBe(1);
    expect((await t.retention({ today: '2041-02-02' })).idempotencyRecordsRemoved).toBe(1);
    expect(await stored()).toBe(0);
  });
});
