import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../helpers/app.js';
import { TEST_PERSON, validPlan } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function push(authorization: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization, ...headers },
    payload: body as object,
  });
}

describe('Idempotency-Key', () => {
  it('replays the stored answer for the same key and body, and refuses the key with another body', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });
    const first = await push(authorization, plan, { 'idempotency-key': 'k-1' });
    expect(first.statusCode).toBe(201);

    const retry = await push(authorization, plan, { 'idempotency-key': 'k-1' });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());

    // Without the key the same push is still safe: 200, nothing new.
    expect((await push(authorization, plan)).statusCode).toBe(200);

    const other = await push(authorization, { ...plan, approach: 'Annat' }, { 'idempotency-key': 'k-1' });
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);

    const versions = (
      await t.app.inject({ url: `/v1/plans/${first.json().id}/versions`, headers: { authorization } })
    ).json();
    expect(versions.versions).toHaveLength(1);
  });

  it('keeps keys per client and stores refusals too', async () => {
    const a = await adminOf(t.deps);
    const b = await adminOf(t.deps);
    const bad = await push(a.authorization, { plan: {} }, { 'idempotency-key': 'shared' });
    expect(bad.statusCode).toBe(422);
    expect(
      (await push(a.authorization, { plan: {} }, { 'idempotency-key': 'shared' })).headers[
        'idempotent-replayed'
      ],
    ).toBe('true');
    const ok = await push(b.authorization, validPlan({ municipalityCode: b.organisation }), {
      'idempotency-key': 'shared',
    });
    expect(ok.statusCode).toBe(201);
    const row = await t.deps.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('key', '=', 'shared')
      .execute();
    expect(row).toHaveLength(2);
  });
});

describe('If-Match', () => {
  it('accepts a push naming the current version and refuses one naming an older version with 412', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation });
    const created = await push(authorization, plan);
    const v2 = await push(
      authorization,
      { ...plan, approach: 'Version 2' },
      { 'if-match': created.headers.etag as string },
    );
    expect(v2.statusCode).toBe(201);
    expect(v2.json().version).toBe(2);

    const stale = await push(authorization, { ...plan, approach: 'Version 3' }, { 'if-match': '"v1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    const current = (
      await t.app.inject({ url: `/v1/plans/${v2.json().id}`, headers: { authorization } })
    ).json();
    expect(current.approach).toBe('Version 2');

    const newPlan = await push(
      authorization,
      validPlan({ municipalityCode: organisation, sourcePlanId: 'NEW' }),
      {
        'if-match': '"v1"',
      },
    );
    expect(newPlan.statusCode).toBe(412);
  });
});

describe('logging', () => {
  it('never writes the personnummer or the names of the person to the log', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    await push(authorization, validPlan({ municipalityCode: organisation }));
    await t.app.inject({
      method: 'POST',
      url: '/v1/plans/search',
      headers: { authorization },
      payload: { personnummer: TEST_PERSON.identityNumber },
    });
    t.deps.logger.info(
      { person: TEST_PERSON, note: `pnr ${TEST_PERSON.identityNumber}` },
      `about ${TEST_PERSON.identityNumber}`,
    );
    t.deps.logger.error(
      { err: new Error(`failed for 19380814-9821 and ${TEST_PERSON.identityNumber}`) },
      'boom',
    );
    const logs = t.logs();
    expect(logs).toContain('"url":"/v1/plans/search"');
    for (const secret of [
      TEST_PERSON.identityNumber,
      '19380814-9821',
      TEST_PERSON.givenName,
      TEST_PERSON.familyName,
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain('[identity number]');
  });
});
