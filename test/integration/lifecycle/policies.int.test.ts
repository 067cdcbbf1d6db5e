import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { policiesCommand } from '../../../src/cli/commands/policies.command.js';
import { bearer } from '../../helpers/app.js';
import {
  communicatedOn,
  createLifecycleApp,
  draftOf,
  type Json,
  type LifecycleTestApp,
  organisationOf,
  personSigns,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp();
});
afterAll(async () => {
  await t.close();
});

/** Runs the CLI command in this process against the test database; returns exit code and output. */
async function cli(args: string[]) {
  const env = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: inject('redisKeyPrefix'),
    PLANBRYGGA_INDEX_KEY: 'test-index-key-of-at-least-32-characters',
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const stderr: string[] = [];
  const stdout: string[] = [];
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  try {
    const code = await policiesCommand(args);
    return { code, stderr: stderr.join(''), stdout: stdout.join('') };
  } finally {
    err.mockRestore();
    out.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('policies', () => {
  it('are set through the admin API from a preset with overrides, for the own organisation only', async () => {
    const o = await organisationOf(t);
    expect(await o.ok('GET', `/v1/admin/policies/${o.organisation}`)).toMatchObject({
      source: 'default',
      policy: null,
    });
    const set = await o.request('PUT', `/v1/admin/policies/${o.organisation}`, {
      preset: 'omsorg',
      establishWithinDays: 10,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      organisation: o.organisation,
      unitId: null,
      policy: { preset: 'omsorg', establishWithinDays: 10, followUpMonths: 6 },
    });
    expect(await o.ok('GET', `/v1/admin/policies/${o.organisation}`)).toMatchObject({
      source: 'organisation',
      policy: { policy: { establishWithinDays: 10 } },
    });

    const { id } = await o.push(draftOf(o.plan('P-ORG')));
    const status = await o.status(id);
    expect(status.policy).toMatchObject({ source: 'organisation', rules: { establishWithinDays: 10 } });
    expect(status.deadlines.establishBy).toBe('2025-01-17');

    const invalid = await o.request('PUT', `/v1/admin/policies/${o.organisation}`, {
      preset: 'omsorg',
      followUpMonths: 0,
      requiredContent: ['goals', 'goals'],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: Json) => e.path).sort()).toEqual([
      '/followUpMonths',
      '/requiredContent',
    ]);

    const other = await organisationOf(t);
    expect(
      (await other.request('PUT', `/v1/admin/policies/${o.organisation}`, { preset: 'lss' })).status,
    ).toBe(403);
    expect((await other.request('GET', `/v1/admin/policies/${o.organisation}`)).status).toBe(403);
    const writer = await bearer(t.deps, o.organisation, ['plans:write']);
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/v1/admin/policies/${o.organisation}`,
      headers: { authorization: writer },
      payload: { preset: 'lss' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it("a unit's policy overrides the organisation's for that unit's plans only", async () => {
    const o = await organisationOf(t);
    await o.ok('PUT', `/v1/admin/policies/${o.organisation}`, { preset: 'omsorg' });
    const unit = await o.request('PUT', `/v1/admin/policies/${o.organisation}/units/HT-NORR`, {
      preset: 'omsorg',
      followUpMonths: 3,
    });
    expect(unit.body).toMatchObject({ unitId: 'HT-NORR', policy: { followUpMonths: 3 } });
    const north = o.plan('P-NORTH');
    north.plan.unit = { id: 'HT-NORR', name: 'Hemtjänsten Norr' };
    const northId = (await o.push(north)).id;
    const southId = (await o.push(o.plan('P-SOUTH'))).id;
    expect((await o.status(northId)).policy.source).toBe('unit');
    expect((await o.status(northId)).deadlines.followUp).toMatchObject({
      date: '2025-04-17',
      source: 'policy',
    });
    expect((await o.status(southId)).policy.source).toBe('organisation');
    expect((await o.status(southId)).deadlines.followUp.date).toBe('2025-07-17');
    expect(await o.ok('GET', `/v1/admin/policies/${o.organisation}/units/HT-NORR`)).toMatchObject({
      source: 'unit',
      policy: { policy: { followUpMonths: 3 } },
    });
    expect(await o.ok('GET', `/v1/admin/policies/${o.organisation}/units/HT-SODER`)).toMatchObject({
      source: 'organisation',
    });
  });

  it('a changed policy re-derives the plans it governs, and the transition is in the feed', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('P-REDERIVE'), '2025-01-20'));
    await o.sign(id, personSigns);
    expect((await o.status(id)).status).toBe('communicated');
    await o.ok('PUT', `/v1/admin/policies/${o.organisation}`, {
      preset: 'omsorg',
      requiredSignatureRoles: ['person'],
    });
    expect((await o.status(id)).status).toBe('signed');
    const feed = await o.feed(id);
    expect(feed.at(-1)).toMatchObject({
      kind: 'status_changed',
      detail: { from: 'communicated', to: 'signed' },
    });
  });

  it('a push that waited for the plan lock derives its state with the policy committed meanwhile', async () => {
    const o = await organisationOf(t);
    await o.ok('PUT', `/v1/admin/policies/${o.organisation}`, { preset: 'omsorg' });
    const plan = communicatedOn(o.plan('P-LOCKWAIT'), '2025-01-20');
    const { id } = await o.push(plan);
    expect((await o.status(id)).status).toBe('communicated');
    let pushed: Promise<{ status: string }> | undefined;
    await t.deps.db.transaction().execute(async (trx) => {
      await trx.selectFrom('plans').select('id').where('id', '=', id).forUpdate().execute();
      await sql`update policies set policy = jsonb_set(policy, '{requiredSignatureRoles}', '[]')
        where organisation = ${o.organisation} and unit_id is null`.execute(trx);
      // The push starts while this transaction holds the plan, and waits for it.
      pushed = o.push({ ...plan, approach: 'Ändrat arbetssätt' });
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    // No signature is required any more: the communicated plan counts as signed.
    expect((await pushed!).status).toBe('signed');
  });

  it('are set with `planbrygga policies set` (policyFromFlags); bad flags are named on stderr', async () => {
    const o = await organisationOf(t);
    const set = await cli([
      'set',
      '--org',
      o.organisation,
      '--unit',
      'GB-LINDEN',
      '--preset',
      'lss',
      '--establish-within-days',
      '30',
      '--follow-up-months',
      '6',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toContain(`policy set for unit GB-LINDEN of ${o.organisation}`);
    expect(JSON.parse(set.stdout)).toMatchObject({
      preset: 'lss',
      establishWithinDays: 30,
      followUpMonths: 6,
    });
    const stored = await o.ok('GET', `/v1/admin/policies/${o.organisation}/units/GB-LINDEN`);
    expect(stored).toMatchObject({
      source: 'unit',
      policy: { updatedBy: 'cli', policy: { establishWithinDays: 30 } },
    });

    const bad = await cli(['set', '--org', o.organisation, '--preset', 'lss', '--follow-up-months', 'often']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('--follow-up-months: must be a whole number\n');
    expect(bad.stdout).toBe('');
    const shown = await cli(['show', '--org', o.organisation, '--unit', 'GB-LINDEN']);
    expect(JSON.parse(shown.stdout).establishWithinDays).toBe(30);
  });
});
