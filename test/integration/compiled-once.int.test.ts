import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce } from '../../src/db/compiled-once.js';
import type { Executor } from '../../src/db/database.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('compiledOnce', () => {
  it('binds each call’s arguments into the text compiled on the first, constants of the query included', async () => {
    let builds = 0;
    const find = compiledOnce((db: Executor, name: string, limit: number) => {
      builds += 1;
      return db
        .selectNoFrom([
          sql<string>`${name}::text`.as('name'),
          sql<number>`${limit}::int + ${10}::int`.as('sum'),
          sql<string>`${'constant'}::text`.as('constant'),
        ])
        .where(sql<boolean>`${name}::text <> ${'excluded'}::text`);
    });
    expect(await find(t.deps.db, 'first', 1)).toEqual([{ name: 'first', sum: 11, constant: 'constant' }]);
    expect(await find(t.deps.db, 'second', 32)).toEqual([{ name: 'second', sum: 42, constant: 'constant' }]);
    expect(await find(t.deps.db, 'excluded', 0)).toEqual([]);
    expect(builds).toBe(1);
  });

  it('refuses a query that puts an argument into its text instead of binding it', async () => {
    const spliced = compiledOnce((db: Executor, column: string) =>
      db.selectFrom('plans').select(sql.ref(column).as('value')),
    );
    await expect(spliced(t.deps.db, 'status')).rejects.toThrow(/bound as a parameter/);
    const unused = compiledOnce((db: Executor, _ignored: string) =>
      db.selectNoFrom(sql<number>`1`.as('one')),
    );
    await expect(unused(t.deps.db, 'x')).rejects.toThrow(/bound as a parameter/);
  });
});
