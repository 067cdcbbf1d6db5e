import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateWebhookSecret, verifyWebhook } from '../../../src/delivery/contract/webhook-signature.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';
import { isolatedDatabase } from '../../helpers/scratch-database.js';
import { redisProxy } from './queues/support.js';
import {
  type Hit,
  INDEX_KEY,
  runPrefix,
  spawnWorker,
  startReceiver,
  transpileOnce,
  type WorkerProcess,
  waitFor,
} from './support.js';

// Real processes: `planbrygga worker` children against a database of this file's own, the
// real Redis (or a TCP proxy in front of it), and a loopback receiver.
let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const running: WorkerProcess[] = [];
const apps: TestApp[] = [];
let nextOrganisation = 2100;

beforeAll(async () => {
  await transpileOnce();
  database = await isolatedDatabase('dispatch');
  receiver = await startReceiver();
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((w) => w.stop()));
  await Promise.all(apps.map((a) => a.close()));
  await receiver?.close();
  await database?.drop();
});

/** An API (in this process) and an organisation with a submission destination at `path`. */
async function scenario(label: string, path: string, redisUrl?: string) {
  const keyPrefix = runPrefix(label);
  const t = await createTestApp({
    env: {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: keyPrefix,
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      ...(redisUrl && { REDIS_URL: redisUrl }),
    },
  });
  apps.push(t);
  const organisation = String(nextOrganisation++);
  const authorization = await bearer(t.deps, organisation, ['admin']);
  const secret = generateWebhookSecret();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/destinations',
    headers: { authorization },
    payload: { kind: 'submission', system: 'pulsen-combine', url: receiver.url(path), secret },
  });
  expect(created.statusCode, created.body).toBe(201);
  expect(created.body).not.toContain(secret.slice(6));

  /** Pushes a complete, communicated and signed plan and submits it; the submission id. */
  const pushAndSubmit = async (n: number): Promise<{ planId: string; submissionId: string }> => {
    const plan = validPlan({ municipalityCode: organisation, sourcePlanId: `${label}-${n}` });
    const pushed = await t.app.inject({
      method: 'POST',
      url: '/v1/plans',
      headers: { authorization },
      payload: { ...plan, dates: { ...plan.dates, communicated: '2025-01-17' } },
    });
    expect(pushed.statusCode, pushed.body).toBe(201);
    const planId = pushed.json().id as string;
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/v1/plans/${planId}/submissions`,
      headers: { authorization },
    });
    const lastError = t
      .logs()
      .split('\n')
      .filter((line) => line.includes('"level":50'))
      .at(-1);
    expect(submitted.statusCode, `${submitted.body}\n${lastError}`).toBe(202);
    return { planId, submissionId: submitted.json().submissions[0].id as string };
  };
  const env = {
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: keyPrefix,
    ...(redisUrl && { REDIS_URL: redisUrl }),
  };
  const worker = async (extra: Record<string, string> = {}) => {
    const w = await spawnWorker({ REDIS_URL: inject('redisUrl'), ...env, ...extra });
    running.push(w);
    return w;
  };
  return { t, secret, pushAndSubmit, worker };
}

async function submissionStatuses(ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await database.db
    .selectFrom('submissions')
    .select(['id', 'status'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function allDelivered(ids: readonly string[]): Promise<boolean> {
  const statuses = await submissionStatuses(ids);
  return ids.every((id) => statuses.get(id) === 'delivered');
}

function hitsAt(path: string): Hit[] {
  return receiver.hits.filter((h) => h.path === path);
}

function expectSigned(hits: readonly Hit[], secret: string): void {
  for (const hit of hits) {
    const headers = Object.fromEntries(Object.entries(hit.headers).map(([k, v]) => [k, String(v)]));
    expect(() => verifyWebhook(secret, headers, hit.body, { now: new Date() })).not.toThrow();
  }
}

async function stopAll(): Promise<void> {
  const codes = await Promise.all(running.splice(0).map((w) => w.stop()));
  // SIGTERM is a graceful close: exit code 0 (a SIGKILLed worker reports null).
  for (const code of codes) expect([0, null]).toContain(code);
}

describe('dispatch with real worker processes', () => {
  it('a worker killed with SIGKILL mid-delivery: a second worker delivers, with the same webhook-id', async () => {
    const path = '/killed';
    const { pushAndSubmit, worker, secret } = await scenario('kill', path);
    // The first request is held open (the receiver is still reading it when the worker dies).
    receiver.answer.set(path, () => (hitsAt(path).length === 1 ? 'hold' : 200));
    const first = await worker();
    const { planId, submissionId } = await pushAndSubmit(1);
    await waitFor(async () => hitsAt(path).length === 1, 15_000, 'first attempt reached the receiver');
    first.child.kill('SIGKILL');
    await first.stop();
    for (const res of receiver.held) res.destroy();

    const started = Date.now();
    await worker();
    await waitFor(() => allDelivered([submissionId]), 30_000, 'delivered by the second worker');
    const hits = hitsAt(path);
    expect(hits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(hits.map((h) => h.webhookId)).size).toBe(1);
    // The id the outbox row was given when the submission was written, not one made by a worker.
    const { webhook_id } = await database.db
      .selectFrom('outbox')
      .select('webhook_id')
      .where(sql`payload->>'submissionId'`, '=', submissionId)
      .executeTakeFirstOrThrow();
    expect(webhook_id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(hits[0]?.webhookId).toBe(webhook_id);
    expect(hits.every((h) => h.planId === planId)).toBe(true);
    expect(hits[0]?.headers['content-type']).toContain('application/json');
    expect(hits[0]?.headers['planbrygga-event']).toBe('plan.submitted');
    expectSigned(hits, secret);
    const delivery = await database.db
      .selectFrom('deliveries')
      .selectAll()
      .where('plan_id', '=', planId)
      .execute();
    expect(delivery.map((d) => d.status)).toEqual(['delivered']);
    const plan = await database.db
      .selectFrom('plans')
      .select('status')
      .where('id', '=', planId)
      .executeTakeFirstOrThrow();
    expect(plan.status).toBe('submitted');
    console.info(`SIGKILL recovery: delivered ${Date.now() - started} ms after the second worker started`);
    await stopAll();
  }, 60_000);

  it('SIGTERM mid-delivery: the worker releases the job within its grace time and exits 0; the next one delivers', async () => {
    const path = '/terminated';
    const { pushAndSubmit, worker } = await scenario('term', path);
    receiver.answer.set(path, () => (hitsAt(path).length === 1 ? 'hold' : 200));
    const first = await worker({ SHUTDOWN_GRACE_MS: '1000' });
    const { submissionId } = await pushAndSubmit(1);
    await waitFor(async () => hitsAt(path).length === 1, 15_000, 'first attempt reached the receiver');
    const stopping = Date.now();
    running.splice(running.indexOf(first), 1);
    expect(await first.stop()).toBe(0);
    const stoppedMs = Date.now() - stopping;
    expect(stoppedMs).toBeLessThan(6_000);
    expect(first.output()).toContain('"msg":"closing"');
    expect((await submissionStatuses([submissionId])).get(submissionId)).toBe('queued');

    await worker();
    await waitFor(() => allDelivered([submissionId]), 20_000, 'delivered by the next worker');
    expect(new Set(hitsAt(path).map((h) => h.webhookId)).size).toBe(1);
    console.info(`SIGTERM with a delivery in flight: exited in ${stoppedMs} ms (grace 1000 ms)`);
    await stopAll();
  }, 60_000);

  it('Redis away while 200 plans are pushed and submitted: all 200 delivered once it is back', async () => {
    const path = '/outage';
    const proxy = await redisProxy();
    try {
      const { pushAndSubmit, worker } = await scenario('outage', path, proxy.url);
      await worker({ REDIS_URL: proxy.url });
      await proxy.down();
      const started = Date.now();
      const submitted: { planId: string; submissionId: string }[] = [];
      for (let batch = 0; batch < 20; batch++) {
        submitted.push(
          ...(await Promise.all(Array.from({ length: 10 }, (_, i) => pushAndSubmit(batch * 10 + i)))),
        );
      }
      const pushedMs = Date.now() - started;
      const waiting = await database.db
        .selectFrom('outbox')
        .select(sql<string>`count(*)`.as('n'))
        .where('relayed_at', 'is', null)
        .where('kind', '=', 'submission.deliver')
        .executeTakeFirstOrThrow();
      expect(Number(waiting.n)).toBe(200);
      expect(hitsAt(path)).toHaveLength(0);

      await proxy.up();
      const back = Date.now();
      const ids = submitted.map((s) => s.submissionId);
      await waitFor(() => allDelivered(ids), 60_000, 'all 200 delivered').catch((error: Error) => {
        // The worker's log says why; printed only when the test fails.
        throw new Error(`${error.message}\n${running.map((w) => w.output().slice(-4000)).join('\n')}`);
      });
      const hits = hitsAt(path);
      expect(new Set(hits.map((h) => h.webhookId)).size).toBe(200);
      expect(new Set(hits.map((h) => h.planId)).size).toBe(200);
      console.info(
        `Redis outage: 200 pushed and submitted in ${pushedMs} ms with Redis away; all delivered ${Date.now() - back} ms after it returned`,
      );
      await stopAll();
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('a receiver answering 503 for a while: delivered when it recovers, one webhook-id per submission', async () => {
    const path = '/unavailable';
    const { pushAndSubmit, worker } = await scenario('unavailable', path);
    let recovered = false;
    receiver.answer.set(path, () => (recovered ? 200 : 503));
    await worker();
    const submitted = await Promise.all([1, 2, 3, 4, 5].map((n) => pushAndSubmit(n)));
    await waitFor(async () => hitsAt(path).length >= 10, 20_000, 'several refused attempts');
    const ids = submitted.map((s) => s.submissionId);
    expect([...(await submissionStatuses(ids)).values()].every((s) => s === 'queued')).toBe(true);
    recovered = true;
    await waitFor(() => allDelivered(ids), 30_000, 'delivered after recovery');
    const hits = hitsAt(path);
    for (const { planId } of submitted) {
      const own = hits.filter((h) => h.planId === planId);
      expect(new Set(own.map((h) => h.webhookId)).size).toBe(1);
    }
    const attempts = await database.db
      .selectFrom('deliveries')
      .select(['attempts', 'last_status_code'])
      .where(
        'plan_id',
        'in',
        submitted.map((s) => s.planId),
      )
      .execute();
    expect(attempts.every((d) => d.last_status_code === 200)).toBe(true);
    expect(attempts.reduce((sum, d) => sum + d.attempts, 0)).toBeGreaterThanOrEqual(10);
    await stopAll();
  }, 60_000);

  it('two worker processes: every submission delivered once in effect', async () => {
    const path = '/two-workers';
    const { pushAndSubmit, worker } = await scenario('two', path);
    await Promise.all([worker(), worker()]);
    const submitted = await Promise.all(Array.from({ length: 40 }, (_, n) => pushAndSubmit(n)));
    const ids = submitted.map((s) => s.submissionId);
    await waitFor(() => allDelivered(ids), 30_000, 'all delivered');
    const hits = hitsAt(path);
    for (const { planId } of submitted) {
      expect(new Set(hits.filter((h) => h.planId === planId).map((h) => h.webhookId)).size).toBe(1);
    }
    const planIds = submitted.map((s) => s.planId);
    const deliveries = await database.db
      .selectFrom('deliveries')
      .select(['plan_id', 'status', 'delivered_at'])
      .where('plan_id', 'in', planIds)
      .execute();
    expect(deliveries).toHaveLength(40);
    expect(deliveries.every((d) => d.status === 'delivered' && d.delivered_at !== null)).toBe(true);
    const transitions = await database.db
      .selectFrom('lifecycle_transitions')
      .select(['plan_id', sql<string>`count(*)`.as('n')])
      .where('plan_id', 'in', planIds)
      .where('to_state', '=', 'submitted')
      .groupBy('plan_id')
      .execute();
    expect(transitions).toHaveLength(40);
    expect(transitions.every((r) => Number(r.n) === 1)).toBe(true);
    // Both processes took part.
    const outputs = running.map((w) => w.output());
    expect(outputs.every((o) => o.includes('submission delivered'))).toBe(true);
    await stopAll();
  }, 60_000);
});
