import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { PGBOUNCER, startPgBouncer } from '../../helpers/pgbouncer.js';
import { validPlan } from '../../helpers/plans.js';

// Managed PostgreSQL puts PgBouncer in transaction mode in front of the database: a
// client's transactions meet whichever server connection is free, so named prepared
// statements of one connection are missing on, or already on, another. CI installs Debian's
// pgbouncer; without it this file is skipped.
describe.skipIf(!PGBOUNCER)('behind PgBouncer in transaction mode', () => {
  let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
  let t: TestApp;
  beforeAll(async () => {
    bouncer = await startPgBouncer(inject('databaseUrl'));
    t = await createTestApp({ env: { DATABASE_URL: bouncer.url, DATABASE_PREPARED_STATEMENTS: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await bouncer?.stop();
  });

  it('with DATABASE_PREPARED_STATEMENTS=false, 30 concurrent pushes and their reads all succeed', async () => {
    const { organisation, authorization } = await adminOf(t.deps);
    const pushes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/v1/plans',
          headers: { authorization, 'idempotency-key': randomUUID() },
          payload: validPlan({ municipalityCode: organisation, sourcePlanId: `BOUNCER-${i}` }),
        }),
      ),
    );
    expect(pushes.map((res) => res.statusCode)).toEqual(Array(30).fill(201));
    const reads = await Promise.all(
      pushes.map((res) =>
        t.app.inject({ url: `/v1/plans/${res.json().id}/status`, headers: { authorization } }),
      ),
    );
    expect(reads.map((res) => res.statusCode)).toEqual(Array(30).fill(200));
  });
});
