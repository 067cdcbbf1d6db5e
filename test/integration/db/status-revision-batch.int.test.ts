import { randomUUID } from 'node:crypto';
import type { KyselyPlugin, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusRevisionBatch } from '../../../src/services/status-revision-batch.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function pushedPlan(t: TestApp, organisation: string, authorization: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/plans',
    headers: { authorization },
    payload: validPlan({ municipalityCode: organisation, sourcePlanId: randomUUID() }),
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Counts the statements sent through the database it is plugged into. */
class StatementCount implements KyselyPlugin {
  statements = 0;
  transformQuery<T>(args: { node: T }): T {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.statements += 1;
    return args.result;
  }
}

describe('StatusRevisionBatch', () => {
  it('reads the polls of one moment in one statement per organisation, each plan only for its own organisation', async () => {
    const a = await adminOf(t.deps);
    const b = await adminOf(t.deps);
    const ofA = [
      await pushedPlan(t, a.organisation, a.authorization),
      await pushedPlan(t, a.organisation, a.authorization),
    ];
    const ofB = await pushedPlan(t, b.organisation, b.authorization);
    const count = new StatementCount();
    const batch = new StatusRevisionBatch(t.deps.db.withPlugin(count));

    const [first, second, again, upperCase, foreign, unknown, own] = await Promise.all([
      batch.read(a.organisation, ofA[0] as string),
      batch.read(a.organisation, ofA[1] as string),
      batch.read(a.organisation, ofA[0] as string),
      batch.read(a.organisation, (ofA[1] as string).toUpperCase()),
      batch.read(a.organisation, ofB),
      batch.read(a.organisation, randomUUID()),
      batch.read(b.organisation, ofB),
    ]);
    expect(count.statements).toBe(2);
    expect(first).toMatchObject({ id: ofA[0], current_version: 1 });
    expect(second).toMatchObject({ id: ofA[1], current_version: 1 });
    expect(again).toEqual(first);
    expect(upperCase).toEqual(second);
    expect(first?.status_revision).not.toBe(second?.status_revision);
    expect(foreign).toBeUndefined();
    expect(unknown).toBeUndefined();
    expect(own).toMatchObject({ id: ofB });

    // A later moment is a statement of its own, and sees what committed since.
    await t.app.inject({
      method: 'POST',
      url: `/v1/plans/${ofB}/holds`,
      headers: { authorization: b.authorization },
      payload: { reason: 'Tvist om insatsen' },
    });
    const later = await batch.read(b.organisation, ofB);
    expect(count.statements).toBe(3);
    expect(later?.status_revision).not.toBe(own?.status_revision);
  });

  it('rejects every poll of a statement that failed, and the next moment reads again', async () => {
    let fail = true;
    const failing = new (class implements KyselyPlugin {
      transformQuery<T>(args: { node: T }): T {
        return args.node;
      }
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        if (fail) throw new Error('connection lost');
        return args.result;
      }
    })();
    const a = await adminOf(t.deps);
    const id = await pushedPlan(t, a.organisation, a.authorization);
    const batch = new StatusRevisionBatch(t.deps.db.withPlugin(failing));
    const polls = [batch.read(a.organisation, id), batch.read(a.organisation, id)];
    for (const poll of polls) await expect(poll).rejects.toThrow('connection lost');
    fail = false;
    expect(await batch.read(a.organisation, id)).toMatchObject({ id });
  });
});
