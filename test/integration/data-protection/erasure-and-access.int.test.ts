import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOutboxRelay } from '../../../src/delivery/outbox/outbox-relay.js';
import { createQueues } from '../../../src/delivery/queues/queues.js';
import { dumpRedis } from '../../helpers/redis-dump.js';
import { ASTRID, canonicalExample, findSecret, nativeExample, secretsOf } from '../security/full-flow.js';
import { createProtectionApp, destinationOf, organisationIn, type ProtectionTestApp } from './support.js';

/**
 * Issue 22, items 4, 5 and 7: what is held about a person, found across all three source
 * systems; erasure, refused while held; and after it, a pg_dump of the database and a dump of
 * the run's Redis keys hold neither the person's name, nor the personnummer in any spelling,
 * nor the plan's free text, nor any ciphertext that held them.
 */
const redisKeyPrefix = `${inject('redisKeyPrefix')}erasure:`;
const DEVIATION = 'Astrid föll i badrummet på morgonen';
const CONSENT = 'Kontakt med hemsjukvårdens arbetsterapeut';
const END_REASON = 'Astrid har flyttat till dottern i Umeå';
const FREE_TEXT = [ASTRID.approach ?? '', DEVIATION, CONSENT, END_REASON].filter(Boolean);
const SECRETS = [...secretsOf(ASTRID), ...FREE_TEXT];

let t: ProtectionTestApp;
let org: Awaited<ReturnType<typeof organisationIn>>;
const planIds: string[] = [];

const NATIVE = {
  procapita: 'application/xml',
  lifecare: 'application/xml',
  'pulsen-combine': 'application/json',
} as const;

beforeAll(async () => {
  t = await createProtectionApp('erasure', '2025-03-03T10:00:00+01:00');
  org = await organisationIn(t);
  // Status write-backs give the outbox, and so Redis, jobs about these plans.
  await destinationOf(t, org.organisation);
  for (const [system, contentType] of Object.entries(NATIVE)) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/systems/${system}/plans`,
      headers: { authorization: org.authorization, 'content-type': contentType },
      payload: nativeExample(system as keyof typeof NATIVE, org.organisation),
    });
    expect(res.statusCode, res.body).toBe(201);
    planIds.push(res.json().id);
  }
  const canonical = canonicalExample(ASTRID, org.organisation, 'ERASE-CANON');
  planIds.push((await org.push(canonical)).id);
  await org.push({ ...canonical, approach: `${ASTRID.approach ?? ''} Ny version.` });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('subject access (registerutdrag)', () => {
  it("finds the person's plans from all three source systems, and no other organisation's", async () => {
    const other = await organisationIn(t);
    await other.push(canonicalExample(ASTRID, other.organisation, 'OTHER-ORG'));
    const res = await org.request('POST', '/v1/admin/subject-access', {
      personnummer: ASTRID.person.identityNumber,
    });
    expect(res.status).toBe(200);
    const plans = res.body.plans as { id: string; sourceSystem: string; versions: unknown[] }[];
    expect(plans.map((p) => p.id).sort()).toEqual([...planIds].sort());
    expect(new Set(plans.map((p) => p.sourceSystem))).toEqual(
      new Set(['procapita', 'lifecare', 'pulsen-combine', 'canonical']),
    );
    expect(plans.find((p) => p.sourceSystem === 'canonical')?.versions).toHaveLength(2);
    expect(findSecret(res.raw, secretsOf(ASTRID))).toBeUndefined();
  });

  it('names who read a plan, from the audit log, and is audited itself', async () => {
    const [id] = planIds;
    await org.ok('GET', `/v1/plans/${id}`);
    const res = await org.request('POST', '/v1/admin/subject-access', {
      personnummer: ASTRID.person.identityNumber,
    });
    const plan = (res.body.plans as { id: string; accesses: { action: string }[] }[]).find(
      (p) => p.id === id,
    );
    expect(plan?.accesses.map((a) => a.action)).toContain('plan.read');
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'admin.subject_access'`.execute(t.deps.db);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it('refuses an invalid personnummer with 422, without repeating it', async () => {
    const res = await org.request('POST', '/v1/admin/subject-access', { personnummer: '19380814-9820' });
    expect(res.status).toBe(422);
    expect(res.raw).not.toContain('19380814');
  });
});

describe('erasure', () => {
  it('is refused with 409 while a legal hold exists, and while a delivery is queued', async () => {
    const [id] = planIds;
    const hold = await org.ok('POST', `/v1/plans/${id}/holds`, { reason: 'Tvist om insatsen' });
    const held = await org.request('POST', `/v1/plans/${id}/erasure`, {
      reason: 'Begäran från den enskilde',
    });
    expect(held.status).toBe(409);
    expect(held.body.detail).toContain('legal hold');
    await org.ok('DELETE', `/v1/plans/${id}/holds/${hold.id}`);

    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from deliveries where plan_id = ${id} and status = 'pending'`.execute(
      t.deps.db,
    );
    if ((rows[0]?.n ?? 0) === 0) {
      const destinationId = await destinationOf(t, org.organisation);
      await sql`insert into deliveries (destination_id, job_name, job_id, plan_id, version, webhook_id)
        values (${destinationId}, 'status.writeback', 'erasure-test-job', ${id}, 1, 'erasure-test')`.execute(
        t.deps.db,
      );
    }
    const queued = await org.request('POST', `/v1/plans/${id}/erasure`, {
      reason: 'Begäran från den enskilde',
    });
    expect(queued.status).toBe(409);
    expect(queued.body.detail).toContain('version 1');
    await sql`update deliveries set status = 'delivered', delivered_at = now() where plan_id = ${id}`.execute(
      t.deps.db,
    );
  });

  it('after erasure, pg_dump and the Redis keys hold no name, personnummer, free text or earlier ciphertext', async (context) => {
    const [, , , canonicalId] = planIds as [string, string, string, string];
    // Content beside the versions: a signature by name, a deviation, a consent, an end with its reason.
    await org.ok('POST', `/v1/plans/${canonicalId}/deviations`, {
      kind: 'deviation',
      date: '2025-03-03',
      text: DEVIATION,
    });
    await org.ok('POST', `/v1/plans/${canonicalId}/consents`, {
      covers: CONSENT,
      given: true,
      date: '2025-03-03',
    });
    await org.ok('POST', `/v1/plans/${canonicalId}/end`, { date: '2025-03-03', reason: END_REASON });
    await relayOutbox();
    const before = await ciphertexts();
    expect(before.length).toBeGreaterThan(8);

    for (const id of planIds) {
      const res = await org.request('POST', `/v1/plans/${id}/erasure`, {
        reason: 'Begäran från den enskilde',
      });
      expect(res.status, res.raw).toBe(200);
    }
    for (const id of planIds) {
      const gone = await org.request('GET', `/v1/plans/${id}`);
      expect(gone.status).toBe(410);
      expect(gone.body.detail).toContain('erasure');
      expect((await org.request('GET', `/v1/plans/${id}/status`)).status).toBe(200);
    }

    let dump: string;
    try {
      dump = execFileSync('pg_dump', ['--no-owner', '--data-only', t.scratch.url], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') context.skip('pg_dump is not installed');
      throw err;
    }
    expect(dump).toContain('COPY public.plan_versions');
    for (const id of planIds) expect(dump).toContain(id);
    expect(findSecret(dump, SECRETS)).toBeUndefined();
    expect(before.find((ciphertext) => dump.includes(ciphertext))).toBeUndefined();

    const redis = await dumpRedis(inject('redisUrl'), redisKeyPrefix);
    expect(planIds.some((id) => redis.includes(id))).toBe(true);
    expect(findSecret(redis, SECRETS)).toBeUndefined();
    expect(before.find((ciphertext) => redis.includes(ciphertext))).toBeUndefined();
  }, 120_000);
});

/** Every ciphertext that held the person's data in these plans, as pg_dump writes it (bytea as hex, text as is). */
async function ciphertexts(): Promise<string[]> {
  const { rows } = await sql<{ value: string }>`
    select value from (
      select plan_id, encode(document, 'hex') as value from plan_versions where document is not null
      union all select plan_id, name from signatures where name is not null
      union all select plan_id, reason from signatures where reason is not null
      union all select plan_id, text from deviations
      union all select plan_id, covers from consent_records
      union all select plan_id, reason from plan_ends where reason is not null
    ) held where plan_id = any(${planIds}::uuid[])`.execute(t.deps.db);
  // A long stretch of each is enough to recognise it, and stays clear of shared envelope headers.
  return rows.map((row) => row.value.slice(-48));
}

// Whatever the plans queued goes to Redis, as a running relay would move it.
async function relayOutbox(): Promise<void> {
  const queues = createQueues({ redisUrl: inject('redisUrl'), keyPrefix: redisKeyPrefix });
  const relay = startOutboxRelay({
    db: t.deps.db,
    publisher: queues,
    logger: t.deps.logger,
    pollIntervalMs: 60_000,
  });
  try {
    while ((await relay.relayOnce()) > 0) {}
  } finally {
    await relay.stop();
    await queues.close();
  }
}
