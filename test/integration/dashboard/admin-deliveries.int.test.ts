import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../helpers/app.js';
import {
  type Hit,
  isolatedTestApp,
  loopbackReceiver,
  startDelivering,
  submissionDestination,
  submitPlan,
  waitFor,
} from './support.js';

let t: Awaited<ReturnType<typeof isolatedTestApp>>;
let receiver: Awaited<ReturnType<typeof loopbackReceiver>>;
let dispatch: ReturnType<typeof startDelivering>;
let admin: string;
let viewer: string;
let otherAdmin: string;
let destinationId: string;
const ORG = '0180';

beforeAll(async () => {
  t = await isolatedTestApp();
  receiver = await loopbackReceiver();
  dispatch = startDelivering(t.deps);
  admin = await bearer(t.deps, ORG, ['admin']);
  viewer = await bearer(t.deps, ORG, ['viewer']);
  otherAdmin = await bearer(t.deps, '0181', ['admin']);
  destinationId = (await submissionDestination(t.deps, ORG, receiver.url)).id;
});

afterAll(async () => {
  await dispatch?.stop();
  await receiver?.close();
  await t?.close();
});

interface DeliveryItem {
  id: string;
  planId: string;
  status: string;
  attempts: number;
  reason: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  webhookId: string;
  queue: string;
  jobId: string;
}

async function list(query: string, authorization = admin): Promise<DeliveryItem[]> {
  const response = await t.app.inject({ url: `/v1/admin/deliveries?${query}`, headers: { authorization } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: DeliveryItem[] }>().items;
}

async function deliveryOf(planId: string, status: string): Promise<DeliveryItem | undefined> {
  return (await list(`status=${status}&plan=${planId}`))[0];
}

async function failedSubmission(): Promise<DeliveryItem> {
  receiver.answer(400);
  const planId = await submitPlan(t.deps, ORG, destinationId);
  dispatch.relay.wake();
  await waitFor(async () => (await deliveryOf(planId, 'failed')) !== undefined);
  return (await deliveryOf(planId, 'failed'))!;
}

const hitsOf = (webhookId: string): Hit[] =>
  receiver.hits.filter((hit) => hit.headers['webhook-id'] === webhookId);

describe('admin API: failed deliveries', () => {
  it('lists a delivery refused with 400 with its reason, and retries it with the same webhook-id once the receiver is fixed', async () => {
    const failed = await failedSubmission();
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: 'http_4xx',
      lastStatusCode: 400,
      lastError: 'HTTP 400: refused by the test',
      queue: 'submissions',
    });
    const listing = await t.app.inject({ url: '/v1/admin/deliveries', headers: { authorization: admin } });
    expect(listing.body).not.toContain(receiver.url);
    expect(listing.body).not.toContain('whsec_');
    expect(listing.json<{ items: DeliveryItem[] }>().items.map((item) => item.id)).toContain(failed.id);

    receiver.answer(200);
    const retry = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/deliveries/${failed.id}/retry`,
      headers: { authorization: admin },
    });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toEqual({ id: failed.id, via: 'job' });

    await waitFor(async () => (await deliveryOf(failed.planId, 'delivered')) !== undefined);
    expect(await deliveryOf(failed.planId, 'failed')).toBeUndefined();
    const sent = hitsOf(failed.webhookId);
    expect(sent).toHaveLength(2);

    const again = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/deliveries/${failed.id}/retry`,
      headers: { authorization: admin },
    });
    expect(again.statusCode).toBe(409);
  });

  it('filters by queue, destination and plan', async () => {
    const failed = await failedSubmission();
    expect((await list(`queue=submissions&plan=${failed.planId}`)).map((d) => d.id)).toEqual([failed.id]);
    expect(await list(`queue=signoffs&plan=${failed.planId}`)).toEqual([]);
    expect((await list(`destination=${destinationId}&plan=${failed.planId}`)).map((d) => d.id)).toEqual([
      failed.id,
    ]);
    expect(await list(`destination=${randomUUID()}`)).toEqual([]);
    const bad = await t.app.inject({
      url: '/v1/admin/deliveries?queue=nope',
      headers: { authorization: admin },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('retries every failed delivery matching a filter', async () => {
    const first = await failedSubmission();
    const second = await failedSubmission();
    receiver.answer(200);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/deliveries/retry',
      headers: { authorization: admin },
      payload: { queue: 'submissions', destination: destinationId },
    });
    expect(response.statusCode, response.body).toBe(202);
    const retried = response.json<{ retried: { id: string }[] }>().retried.map((r) => r.id);
    expect(retried).toEqual(expect.arrayContaining([first.id, second.id]));
    // The retry marks the deliveries pending at once; the worker then records them delivered.
    for (const delivery of [first, second]) {
      await waitFor(async () => (await deliveryOf(delivery.planId, 'delivered')) !== undefined);
      expect(hitsOf(delivery.webhookId)).toHaveLength(2);
    }
    expect(await list('status=failed')).toEqual([]);
  });

  it('relays a failed delivery again from the outbox when its job was removed from Redis, under the same job id', async () => {
    const failed = await failedSubmission();
    const job = await t.deps.queues.queue('submissions').getJob(failed.jobId);
    await job!.remove();
    receiver.answer(200);
    const retry = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/deliveries/${failed.id}/retry`,
      headers: { authorization: admin },
    });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toEqual({ id: failed.id, via: 'outbox' });
    dispatch.relay.wake();
    await waitFor(async () => (await deliveryOf(failed.planId, 'delivered')) !== undefined);
    expect(new Set(hitsOf(failed.webhookId).map((hit) => hit.headers['webhook-id']))).toEqual(
      new Set([failed.webhookId]),
    );
    expect(hitsOf(failed.webhookId)).toHaveLength(2);
  });

  it('lets a viewer list but not retry, and keeps each organisation to its own deliveries', async () => {
    const failed = await failedSubmission();
    expect((await list(`plan=${failed.planId}`, viewer)).map((d) => d.id)).toEqual([failed.id]);
    const byViewer = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/deliveries/${failed.id}/retry`,
      headers: { authorization: viewer },
    });
    expect(byViewer.statusCode).toBe(403);
    expect(await list(`plan=${failed.planId}`, otherAdmin)).toEqual([]);
    const byOther = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/deliveries/${failed.id}/retry`,
      headers: { authorization: otherAdmin },
    });
    expect(byOther.statusCode).toBe(404);
    const anonymous = await t.app.inject({ url: '/v1/admin/deliveries' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('records each admin action in the audit log', async () => {
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'status'])
      .where('organisation', '=', ORG)
      .where('action', 'like', 'admin.delivery.%')
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'admin.delivery.list', status: 200 },
        { action: 'admin.delivery.retry', status: 202 },
        { action: 'admin.delivery.retry', status: 403 },
      ]),
    );
  });
});
