import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, verifyWebhook } from '../../../src/delivery/contract/webhook-signature.js';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { maskIdentityNumbers } from '../../../src/domain/identity-number.js';
import { ApiConformance } from '../../helpers/api-conformance.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';
import { isolatedDatabase } from '../../helpers/scratch-database.js';
import { INDEX_KEY, runPrefix, startReceiver, waitFor } from './support.js';

// The API and its workers in this process, against a database of this file's own (the relay
// takes every outbox row it finds) and a loopback receiver.
let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let t: TestApp;
let dispatch: Dispatch;
let nextOrganisation = 2500;

beforeAll(async () => {
  database = await isolatedDatabase('dispatch');
  receiver = await startReceiver();
  t = await createTestApp({
    env: {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: runPrefix('flow'),
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      RELAY_POLL_INTERVAL_MS: '50',
      DELIVERY_RETRY_BASE_MS: '100',
    },
  });
  dispatch = startDispatch(t.deps);
});

afterAll(async () => {
  await dispatch?.close(1_000);
  await t?.close();
  await receiver?.close();
  await database?.drop();
});

async function organisation() {
  const code = String(nextOrganisation++);
  const admin = await bearer(t.deps, code, ['admin']);
  const receiverKey = await bearer(t.deps, code, ['inbox:read', 'plans:read']);
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    authorization = admin,
  ) => {
    const res = await t.app.inject({ method, url, headers: { authorization }, ...(payload && { payload }) });
    return {
      status: res.statusCode,
      body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : undefined,
      headers: res.headers,
      raw: res.body,
    };
  };
  const destination = async (kind: string, system: string, path: string) => {
    const secret = generateWebhookSecret();
    const res = await call('POST', '/v1/admin/destinations', {
      kind,
      system,
      url: receiver.url(path),
      secret,
    });
    expect(res.status, res.raw).toBe(201);
    return { id: res.body.id as string, secret };
  };
  const push = async (plan: object) => {
    const res = await call('POST', '/v1/plans', plan);
    expect(res.status, res.raw).toBe(201);
    return res.body.id as string;
  };
  const status = async (id: string) => (await call('GET', `/v1/plans/${id}/status`)).body;
  return { code, admin, receiverKey, call, destination, push, status };
}

function plan(
  code: string,
  sourcePlanId: string,
  dates: Record<string, string> = { communicated: '2025-01-17' },
) {
  const base = validPlan({ municipalityCode: code, sourcePlanId });
  return { ...base, dates: { ...base.dates, ...dates } };
}

const hitsAt = (path: string) => receiver.hits.filter((h) => h.path === path);

describe('destinations', () => {
  it('are registered, listed and disabled through the admin API, and never show their secret', async () => {
    const o = await organisation();
    const secret = generateWebhookSecret();
    const created = await o.call('POST', '/v1/admin/destinations', {
      kind: 'submission',
      system: 'lifecare',
      url: 'https://handlaggning.example.se/hooks',
      secret,
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/admin/destinations/${created.body.id}`);
    const listed = await o.call('GET', '/v1/admin/destinations');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, kind: 'submission' })]);
    for (const res of [created, listed]) expect(res.raw).not.toContain(secret.slice('whsec_'.length));

    const unknown = await o.call('POST', '/v1/admin/destinations', {
      kind: 'submission',
      system: 'excel',
      url: 'https://x.example',
      secret,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/system' })]);
    const weak = await o.call('POST', '/v1/admin/destinations', {
      kind: 'status',
      system: 'procapita',
      url: 'https://x.example',
      secret: 'whsec_c2hvcnQ=',
    });
    expect(weak.status).toBe(422);
    expect(weak.raw).not.toContain('c2hvcnQ');

    const other = await organisation();
    expect((await other.call('DELETE', `/v1/admin/destinations/${created.body.id}`)).status).toBe(404);
    expect((await o.call('DELETE', `/v1/admin/destinations/${created.body.id}`)).status).toBe(204);
    expect((await o.call('GET', '/v1/admin/destinations')).body.items[0].disabledAt).not.toBeNull();
    expect((await o.call('GET', '/v1/admin/destinations', undefined, o.receiverKey)).status).toBe(403);
  });
});

describe('submissions (avge till LSS-handläggare)', () => {
  it('are refused until the plan is communicated and signed (409), naming what is missing', async () => {
    const o = await organisation();
    const id = await o.push({ ...plan(o.code, 'REFUSED', {}), signatures: [] });
    const refused = await o.call('POST', `/v1/plans/${id}/submissions`);
    expect(refused.status, refused.raw).toBe(409);
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/submission_refused$/),
      errors: [{ path: '/dates/communicated' }],
    });
    expect(
      await database.db.selectFrom('submissions').selectAll().where('plan_id', '=', id).execute(),
    ).toEqual([]);
  });

  it('go to the pull inbox when the organisation has no submission destination; an ack acknowledges', async () => {
    const o = await organisation();
    const id = await o.push(plan(o.code, 'INBOX'));
    const submitted = await o.call('POST', `/v1/plans/${id}/submissions`);
    expect(submitted.status).toBe(202);
    const [submission] = submitted.body.submissions;
    expect(submission).toMatchObject({ planId: id, version: 1, via: 'inbox', status: 'delivered' });
    expect(submitted.headers.location).toBe(`/v1/plans/${id}/submissions/${submission.id}`);
    expect((await o.status(id)).status).toBe('submitted');

    const inbox = await o.call('GET', '/v1/inbox?system=lifecare', undefined, o.receiverKey);
    expect(inbox.body.items).toEqual([
      expect.objectContaining({
        id: submission.id,
        planId: id,
        version: 1,
        document: `/v1/systems/lifecare/plans/${id}?version=1`,
      }),
    ]);
    const document = await o.call('GET', inbox.body.items[0].document, undefined, o.receiverKey);
    expect(document.status).toBe(200);
    expect(
      (await o.call('POST', `/v1/inbox/${submission.id}/ack`, undefined, o.receiverKey)).body.status,
    ).toBe('acknowledged');
    expect((await o.call('POST', `/v1/inbox/${submission.id}/ack`, undefined, o.receiverKey)).status).toBe(
      200,
    );
    expect((await o.status(id)).status).toBe('acknowledged');
    expect((await o.call('GET', '/v1/inbox', undefined, o.receiverKey)).body.items).toEqual([]);
    expect((await (await organisation()).call('POST', `/v1/inbox/${submission.id}/ack`)).status).toBe(404);
  });
});

describe('the dispatch flow of one plan', () => {
  it('requests sign-offs per role, tells the planner and the source system, delivers the submission, and takes the receipt', async () => {
    const o = await organisation();
    const submission = await o.destination('submission', 'lifecare', '/flow/submission');
    const signoff = await o.destination('signoff', 'lifecare', '/flow/signoff');
    await o.destination('planner', 'procapita', '/flow/planner');
    await o.destination('status', 'canonical', '/flow/status');
    const unsigned = {
      ...plan(o.code, 'FLOW'),
      signatures: [],
      plannerNotification: 'Morgonbesöket och inköpen planeras samma dag.',
    };
    const id = await o.push(unsigned);
    expect((await o.status(id)).status).toBe('communicated');

    await waitFor(
      async () =>
        hitsAt('/flow/signoff').length === 2 &&
        hitsAt('/flow/planner').length === 1 &&
        hitsAt('/flow/status').length === 2,
      15_000,
      'sign-off requests, planner notice and write-backs',
    );
    const requests = hitsAt('/flow/signoff').map((h) => JSON.parse(h.body.toString()));
    expect(requests.map((r) => r.role).sort()).toEqual(['person', 'unit_manager']);
    expect(requests[0]).toMatchObject({
      type: 'plan.signoff_requested',
      planId: id,
      version: 1,
      dueBy: expect.any(String),
    });
    for (const hit of hitsAt('/flow/signoff')) {
      const headers = Object.fromEntries(Object.entries(hit.headers).map(([k, v]) => [k, String(v)]));
      expect(() => verifyWebhook(signoff.secret, headers, hit.body, { now: new Date() })).not.toThrow();
    }
    expect(JSON.parse(hitsAt('/flow/planner')[0]!.body.toString())).toMatchObject({
      plannerNotification: unsigned.plannerNotification,
    });
    // Write-backs may arrive in any order; their changeSeq orders them as the change feed does.
    const writeBacks = hitsAt('/flow/status')
      .map((h) => JSON.parse(h.body.toString()))
      .sort((x, y) => Number(x.changeSeq) - Number(y.changeSeq));
    expect(writeBacks.map((w) => w.event)).toEqual(['established', 'communicated']);
    for (const hit of [...hitsAt('/flow/signoff'), ...hitsAt('/flow/status')]) {
      expect(hit.body.toString()).not.toContain(TEST_PERSON.identityNumber);
      expect(hit.body.toString()).not.toContain(TEST_PERSON.familyName);
    }
    const reminders = await database.db
      .selectFrom('outbox')
      .select(['available_at'])
      .where('kind', '=', 'signoff.remind')
      .execute();
    expect(reminders).toHaveLength(2);
    expect(reminders.every((r) => r.available_at > new Date())).toBe(true);

    for (const signature of unsigned.signatures.length ? [] : validPlan().signatures) {
      expect((await o.call('POST', `/v1/plans/${id}/signatures`, signature)).status).toBeLessThan(300);
    }
    expect((await o.status(id)).status).toBe('signed');
    const submitted = await o.call('POST', `/v1/plans/${id}/submissions`);
    expect(submitted.status).toBe(202);
    const [queued] = submitted.body.submissions;
    expect(queued).toMatchObject({ via: 'webhook', status: 'queued' });
    expect((await o.status(id)).status).toBe('signed');

    await waitFor(
      async () =>
        (await o.call('GET', `/v1/plans/${id}/submissions/${queued.id}`)).body.status === 'delivered',
      15_000,
      'delivered',
    );
    const [delivered] = hitsAt('/flow/submission');
    // Routine 003: the kontaktman's evaluation of a changed need goes to the same destination.
    const evaluated = await o.call('POST', `/v1/plans/${id}/need-evaluations`, {
      date: '2025-02-03',
      summary: 'Behovet av stöd på kvällen har ökat.',
      by: { name: 'Karin Öberg', title: 'Kontaktman' },
    });
    expect(evaluated.status, evaluated.raw).toBe(202);
    await waitFor(
      async () => hitsAt('/flow/submission').length === 2,
      15_000,
      'the need evaluation delivered',
    );
    // Every message is what the API document's webhooks say: headers, media type, JSON body.
    const conformance = new ApiConformance((await t.app.inject({ url: '/openapi.json' })).json());
    const messages = ['signoff', 'planner', 'status', 'submission'].flatMap((to) => hitsAt(`/flow/${to}`));
    // Every event but the reminder, which has a test of its own.
    expect(new Set(messages.map((hit) => hit.headers['planbrygga-event'])).size).toBe(5);
    for (const hit of messages) expect(conformance.checkMessage(hit.headers, hit.body)).toEqual([]);
    expect(delivered?.headers['content-type']).toContain('xml');
    expect(delivered?.headers).toMatchObject({
      'planbrygga-event': 'plan.submitted',
      'planbrygga-plan-id': id,
      'planbrygga-plan-version': '1',
      'planbrygga-submission-id': queued.id,
    });
    const headers = Object.fromEntries(Object.entries(delivered!.headers).map(([k, v]) => [k, String(v)]));
    expect(() =>
      verifyWebhook(submission.secret, headers, delivered!.body, { now: new Date() }),
    ).not.toThrow();
    expect((await o.status(id)).status).toBe('submitted');

    // The worker's log lines carry the id of the request that submitted. The worker logs
    // after recording the delivery, so the line may follow the status by a moment.
    // The request log masks digit runs that read like an identity number, which a random id can hold.
    const submitUrl = maskIdentityNumbers(`/v1/plans/${id}/submissions`);
    const submitRequest = t.logLines().find((l) => l.req?.url === submitUrl && l.req?.method === 'POST');
    expect(submitRequest?.reqId).toEqual(expect.any(String));
    await waitFor(
      async () =>
        t.logLines().some((l) => l.msg === 'submission delivered' && l.requestId === submitRequest?.reqId),
      15_000,
      'the worker logged the delivery with the request id',
    );

    const receipt = await o.call(
      'POST',
      `/v1/plans/${id}/submissions/${queued.id}/receipt`,
      undefined,
      o.receiverKey,
    );
    expect(receipt.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    expect((await o.status(id)).status).toBe('acknowledged');
    const feed = (await o.call('GET', '/v1/changes?limit=1000')).body.items.filter(
      (c: { planId: string }) => c.planId === id,
    );
    expect(
      feed
        .filter((c: { kind: string }) => c.kind === 'status_changed')
        .map((c: { status: string }) => c.status),
    ).toEqual(['established', 'communicated', 'signed', 'submitted', 'acknowledged']);
  });
});
