import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/database.js';
import { preparedStatement } from '../../src/db/prepared-statements.js';
import { adminOf, createTestApp, type TestApp } from '../helpers/app.js';
import { validPlan } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The statements this connection has prepared (a transaction keeps to one connection). */
async function preparedHere(trx: Tx): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
    trx,
  );
  return rows.map((r) => r.statement);
}

describe('prepared statements', () => {
  it('sends a marked text as a named prepared statement, reused on the next call, and everything else unnamed', async () => {
    const marked = preparedStatement('select $1::int + 1 as n /* marked */');
    const unmarked = 'select $1::int + 2 as n /* unmarked */';
    await t.deps.db.transaction().execute(async (trx) => {
      const first = await trx.executeQuery<{ n: number }>(CompiledQuery.raw(marked, [1]));
      const second = await trx.executeQuery<{ n: number }>(CompiledQuery.raw(marked, [41]));
      await trx.executeQuery(CompiledQuery.raw(unmarked, [1]));
      expect([first.rows[0]?.n, second.rows[0]?.n]).toEqual([2, 42]);
      const prepared = await preparedHere(trx);
      expect(prepared.filter((s) => s === marked)).toHaveLength(1);
      expect(prepared).not.toContain(unmarked);
    });
  });

  it('prepares a push’s statements: the API-key lookup, both combined reads and the write', async () => {
    // A new plan and a new version of it through the API, then a look at what the pool's
    // connections hold. The first is read without a lock, the second under the plan's lock.
    const { organisation, authorization } = await adminOf(t.deps);
    const plan = validPlan({ municipalityCode: organisation, sourcePlanId: 'PREPARED-1' });
    const changed = { ...plan, contactPerson: { name: 'Maja Lind', title: 'Undersköterska' } };
    for (const payload of [plan, changed]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: { authorization, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(201);
    }
    // Every connection of the pool that served the push holds its statements; ask each one.
    const seen = new Set<string>();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        t.deps.db.transaction().execute(async (trx) => {
          for (const s of await preparedHere(trx)) seen.add(s);
          await sql`select pg_sleep(0.05)`.execute(trx);
        }),
      ),
    );
    const statements = [...seen];
    expect(statements.some((s) => s.startsWith('select') && s.includes('"clients"'))).toBe(true);
    const pushReads = statements.filter((s) => s.startsWith('select') && s.includes('"plan_versions"'));
    expect(pushReads.some((s) => s.includes('for update of "plans"'))).toBe(true);
    expect(pushReads.some((s) => !s.includes('for update'))).toBe(true);
    expect(
      statements.some((s) => s.startsWith('with pending_0') && s.includes('json_populate_recordset')),
    ).toBe(true);
  });

  it('sends texts unprepared once 200 are marked, so no connection keeps an unbounded number', async () => {
    for (let i = 0; i < 250; i++) preparedStatement(`select ${i} as n /* cap test */`);
    const beyond = 'select 249 as n /* cap test */';
    await t.deps.db.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw(beyond, []));
      expect(await preparedHere(trx)).not.toContain(beyond);
    });
  });

  it('with DATABASE_PREPARED_STATEMENTS=false sends even a marked text unnamed', async () => {
    const unprepared = await createTestApp({ env: { DATABASE_PREPARED_STATEMENTS: 'false' } });
    try {
      const marked = preparedStatement('select $1::int + 3 as n /* marked, pooler */');
      await unprepared.deps.db.transaction().execute(async (trx) => {
        const { rows } = await trx.executeQuery<{ n: number }>(CompiledQuery.raw(marked, [1]));
        expect(rows[0]?.n).toBe(4);
        expect(await preparedHere(trx)).toEqual([]);
      });
    } finally {
      await unprepared.close();
    }
  });
});
