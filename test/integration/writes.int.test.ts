import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceContext } from '../../src/app.js';
import { planStateUpdate } from '../../src/db/repositories/lifecycle.repository.js';
import { planInsert, planVersionInsert } from '../../src/db/repositories/plans.repository.js';
import type { PlanRow } from '../../src/db/schema.js';
import { bytea, deleteRows, executeWrite, insertRows, updateRows } from '../../src/db/writes.js';
import { createClient } from '../../src/services/clients.service.js';
import { createTestApp, type TestApp, uniqueOrganisation } from '../helpers/app.js';
import { planRow } from '../helpers/plans.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const client = (organisation: string) => ({
  name: 'writes test',
  organisation,
  scopes: ['plans:write' as const],
});

// Version 0 (planRow): the plans' versions here are raw bytes, which the overdue scanner,
// run over the whole database by other test files, must not try to open.
async function storedPlan(sourcePlanId: string): Promise<PlanRow> {
  const created = new Date('2026-03-29T00:59:59.123Z');
  const plan: PlanRow = {
    ...planRow(await uniqueOrganisation(t.deps), sourcePlanId),
    person_index: 'index',
    created_at: created,
    updated_at: created,
  };
  await executeWrite(t.deps.db, planInsert(plan));
  return plan;
}

describe('writes as fixed statements with JSON rows', () => {
  it('stores every kind of value exactly: bytes, JSON, timestamps to the millisecond, text that needs escaping, nulls', async () => {
    const plan = await storedPlan(`W-1 "quoted" \\ back/slash 'é' 😀`);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const warnings = [{ path: '/goals/0/text', message: 'line\nbreak, "quote", tab\t, ö, 😀' }];
    await executeWrite(
      t.deps.db,
      planVersionInsert({
        planId: plan.id,
        version: 1,
        contentHash: 'sha256:x',
        document: everyByte,
        warnings,
        sourceSystem: 'canonical',
        pushedBy: (await createClient(serviceContext(t.deps), client(plan.organisation))).client.id,
        createdAt: new Date('2024-02-29T23:59:59.999Z'),
      }),
    );
    const stored = await t.deps.db
      .selectFrom('plan_versions')
      .selectAll()
      .where('plan_id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(Buffer.compare(stored.document ?? Buffer.alloc(0), everyByte)).toBe(0);
    expect(stored.warnings).toEqual(warnings);
    expect(stored.created_at.toISOString()).toBe('2024-02-29T23:59:59.999Z');
    const row = await t.deps.db
      .selectFrom('plans')
      .selectAll()
      .where('id', '=', plan.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual(plan);
  });

  it('keeps the rows in the order given, so ids from a sequence follow it', async () => {
    const plan = await storedPlan('W-2');
    const insert = insertRows(
      'plan_changes',
      ['plan_id', 'organisation', 'version', 'kind', 'status', 'at', 'detail'],
      { suffix: 'returning "id", "kind"' },
    );
    const kinds = Array.from({ length: 60 }, (_, i) => `kind-${String(59 - i).padStart(2, '0')}`);
    const at = new Date();
    const rows = kinds.map((kind) => ({
      plan_id: plan.id,
      organisation: plan.organisation,
      version: 1,
      kind,
      status: 'draft',
      at,
      detail: { kind, nested: { list: [1, 'två', null] } },
    }));
    const returned = await executeWrite<{ id: string; kind: string }>(t.deps.db, insert(rows)!);
    const byId = [...returned].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    expect(byId.map((r) => r.kind)).toEqual(kinds);
    const detail = await t.deps.db
      .selectFrom('plan_changes')
      .select('detail')
      .where('id', '=', byId[0]!.id)
      .executeTakeFirstOrThrow();
    expect(detail.detail).toEqual({ kind: kinds[0], nested: { list: [1, 'två', null] } });
  });

  it('updates and deletes only the rows that match their keys', async () => {
    const [first, second] = [await storedPlan('W-3'), await storedPlan('W-4')];
    const at = new Date();
    await executeWrite(t.deps.db, planStateUpdate(first.id, { status: 'established', updated_at: at }));
    const states = await t.deps.db
      .selectFrom('plans')
      .select(['id', 'status', 'updated_at'])
      .where('id', 'in', [first.id, second.id])
      .execute();
    expect(states).toEqual(
      expect.arrayContaining([
        { id: first.id, status: 'established', updated_at: at },
        { id: second.id, status: 'draft', updated_at: second.updated_at },
      ]),
    );

    const overdue = insertRows('plan_overdue', ['plan_id', 'reason', 'due_on', 'since', 'recorded_at']);
    const reasons = ['signatures_missing', 'follow_up_due'];
    const rows = [first, second].flatMap((plan) =>
      reasons.map((reason) => ({
        plan_id: plan.id,
        reason,
        due_on: '2024-02-29',
        since: '2024-03-01',
        recorded_at: at,
      })),
    );
    await executeWrite(t.deps.db, overdue(rows)!);
    await executeWrite(
      t.deps.db,
      deleteRows('plan_overdue', ['plan_id', 'reason'])([{ plan_id: first.id, reason: 'follow_up_due' }]),
    );
    const left = await t.deps.db
      .selectFrom('plan_overdue')
      .select(['plan_id', 'reason', sql<string>`due_on::text`.as('due_on')])
      .where('plan_id', 'in', [first.id, second.id])
      .orderBy('plan_id')
      .orderBy('reason')
      .execute();
    expect(left).toHaveLength(3);
    expect(left).not.toContainEqual(expect.objectContaining({ plan_id: first.id, reason: 'follow_up_due' }));
    expect(new Set(left.map((r) => r.due_on))).toEqual(new Set(['2024-02-29']));
  });

  it('makes no write of no rows, and quotes identifiers', () => {
    expect(insertRows('plans', ['id'])([])).toBeUndefined();
    expect(updateRows('plans', 'id', ['status'])([])).toBeUndefined();
    expect(deleteRows('plans', ['id'])([])).toBeUndefined();
    expect(insertRows('odd "table"', ['a "column"'])([{ 'a "column"': 1 }])?.writer.text).toContain(
      'insert into "odd ""table""" ("a ""column""")',
    );
    expect(bytea(Buffer.from([0, 255]))).toBe('\\x00ff');
  });
});
