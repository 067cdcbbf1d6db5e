import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import { type RetentionSummary, runRetention } from '../../../src/services/retention.service.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-database.js';
import { basePlan, type Json } from '../lifecycle/support.js';

/**
 * The app on a database of the file's own, with a clock the test sets: a retention run walks
 * every plan in its database, and must neither see nor prune other test files' plans.
 */
export interface ProtectionTestApp extends TestApp {
  at(instant: string): void;
  retention(options?: {
    today?: string;
    dryRun?: boolean;
    batchSize?: number;
    auditRetentionDays?: number;
  }): Promise<RetentionSummary>;
  scratch: ScratchDatabase;
}

export async function createProtectionApp(label: string, start: string): Promise<ProtectionTestApp> {
  const scratch = await createScratchDatabase(label);
  let now = new Date(start);
  const t = await createTestApp({ clock: () => now, env: { DATABASE_URL: scratch.url } });
  return {
    ...t,
    scratch,
    at: (instant) => {
      now = new Date(instant);
    },
    retention: (options = {}) =>
      runRetention(serviceContext(t.deps), { ...options, runId: `retention:${randomUUID()}` }),
    close: async () => {
      await t.close();
      await scratch.drop();
    },
  };
}

/** An organisation with an admin client; requests and a plan of its own. */
export async function organisationIn(t: TestApp) {
  const { organisation, authorization } = await adminOf(t.deps);
  const request = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization },
      ...(payload !== undefined && { payload: payload as object }),
    });
    return {
      status: res.statusCode,
      body: res.body && res.headers['content-type']?.toString().includes('json') ? (res.json() as Json) : {},
      headers: res.headers,
      raw: res.body,
    };
  };
  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const res = await request(method, url, payload);
    expect(res.status, res.raw).toBeLessThan(300);
    return res.body;
  };
  return {
    organisation,
    authorization,
    request,
    ok,
    plan: (sourcePlanId: string) => basePlan(organisation, sourcePlanId),
    push: (plan: unknown) =>
      ok('POST', '/v1/plans', plan) as Promise<{ id: string; version: number; status: string }>,
  };
}

/** Whether each version of the plan still holds its content. */
export async function heldVersions(t: TestApp, planId: string): Promise<Record<number, boolean>> {
  const { rows } = await sql<{ version: number; held: boolean }>`
    select version, document is not null as held from plan_versions where plan_id = ${planId} order by version`.execute(
    t.deps.db,
  );
  return Object.fromEntries(rows.map((row) => [row.version, row.held]));
}

/** A destination of the organisation (its deliveries are what retention waits for). */
export async function destinationOf(t: TestApp, organisation: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    insert into destinations (organisation, kind, system, url, secret_sealed)
    values (${organisation}, 'status', 'canonical', 'https://receiver.invalid/hook', 'plain:unused')
    returning id`.execute(t.deps.db);
  return rows[0]!.id;
}

/** A delivery of one version in a given state, as the workers leave it. */
export async function deliveryOf(
  t: TestApp,
  d: {
    destinationId: string;
    planId: string;
    version: number;
    status: 'pending' | 'delivered' | 'failed';
    deliveredAt?: string;
  },
): Promise<void> {
  await sql`
    insert into deliveries (destination_id, job_name, job_id, plan_id, version, webhook_id, status, delivered_at)
    values (${d.destinationId}, 'status.writeback', ${randomUUID()}, ${d.planId}, ${d.version}, ${randomUUID()},
      ${d.status}, ${d.deliveredAt ?? null})`.execute(t.deps.db);
}
