import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeedEvaluationEvent } from '../../../src/delivery/contract/webhook-events.js';
import { generateWebhookSecret, verifyWebhook } from '../../../src/delivery/contract/webhook-signature.js';
import { type Dispatch, startDispatch } from '../../../src/delivery/runtime.js';
import { ApiConformance } from '../../helpers/api-conformance.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';
import { isolatedDatabase } from '../../helpers/scratch-database.js';
import { INDEX_KEY, runPrefix, startReceiver, waitFor } from './support.js';

/**
 * Routine 003, "Förändrat stödbehov": "Kontaktman utvärderar eventuellt förändrat behov utifrån
 * genomförandeplan, som delges LSS-handläggare inför ansökan om behovsbedömning." The
 * evaluation is delivered like a submission: a signed webhook to each submission destination,
 * or the pull inbox. The API and its workers run in this process against a database of this
 * file's own, with a loopback receiver.
 */
let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let t: TestApp;
let dispatch: Dispatch;
let nextOrganisation = 2700;

beforeAll(async () => {
  database = await isolatedDatabase('need-evaluations');
  receiver = await startReceiver();
  t = await createTestApp({
    env: {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: runPrefix('need-evaluations'),
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      RELAY_POLL_INTERVAL_MS: '50',
      DELIVERY_RETRY_BASE_MS: '100',
      // Everything the app and its workers log, to show the summary is never among it.
      LOG_LEVEL: 'trace',
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

/** Free text about the person's changed need: it must reach the case officer and nowhere else. */
const SUMMARY =
  'Elias behöver nu stöd även nattetid: oro och uppvaknanden sedan november.\n' +
  'Föreslår ny behovsbedömning av boendestödet (LSS 9 § 9).';

const evaluation = (summary = SUMMARY) => ({
  date: '2025-03-03',
  summary,
  by: { name: 'Karin Öberg', title: 'Kontaktman' },
});

async function organisation() {
  const code = String(nextOrganisation++);
  const admin = await bearer(t.deps, code, ['admin']);
  const receiverKey = await bearer(t.deps, code, ['inbox:read']);
  const poller = await bearer(t.deps, code, ['status:read']);
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: object | string,
    authorization = admin,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers: {
        authorization,
        ...(typeof payload === 'string' && { 'content-type': 'application/json' }),
      },
      ...(payload !== undefined && { payload }),
    });
    return {
      status: res.statusCode,
      body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : undefined,
      raw: res.body,
    };
  };
  const destination = async (path: string) => {
    const secret = generateWebhookSecret();
    const res = await call('POST', '/v1/admin/destinations', {
      kind: 'submission',
      system: 'pulsen-combine',
      url: receiver.url(path),
      secret,
    });
    expect(res.status, res.raw).toBe(201);
    return { id: res.body.id as string, secret };
  };
  const push = async (sourcePlanId: string) => {
    const plan = validPlan({ municipalityCode: code, sourcePlanId });
    const res = await call('POST', '/v1/plans', plan);
    expect(res.status, res.raw).toBe(201);
    return res.body.id as string;
  };
  const evaluate = (planId: string, body: object | string = evaluation()) =>
    call('POST', `/v1/plans/${planId}/need-evaluations`, body);
  const status = async (id: string, authorization = admin) =>
    (await call('GET', `/v1/plans/${id}/status`, undefined, authorization)).body;
  const feed = async (id: string) =>
    (await call('GET', '/v1/changes?limit=1000')).body.items.filter(
      (c: { planId: string; kind: string }) => c.planId === id && c.kind.startsWith('need_evaluation'),
    );
  return { code, admin, receiverKey, poller, call, destination, push, evaluate, status, feed };
}

const hitsAt = (path: string) => receiver.hits.filter((h) => h.path === path);

describe('routine 003: the kontaktman’s evaluation of a changed need is delivered (delges) to the LSS-handläggare', () => {
  it('as a signed webhook to the submission destination, the same webhook-id on the retry, delivered in status and feed, the summary in no log line', async () => {
    const o = await organisation();
    const destination = await o.destination('/need/webhook');
    let answered = 0;
    // The receiver is busy once: the retry must carry the same webhook-id.
    receiver.answer.set('/need/webhook', () => (answered++ === 0 ? 503 : 200));
    const id = await o.push('NEED-WEBHOOK');

    const res = await o.evaluate(id);
    expect(res.status, res.raw).toBe(202);
    expect(res.body).toMatchObject({ planId: id, version: 1 });
    expect(res.body.needEvaluations).toEqual([
      expect.objectContaining({
        planId: id,
        version: 1,
        date: '2025-03-03',
        by: { name: 'Karin Öberg', title: 'Kontaktman' },
        via: 'webhook',
        status: 'queued',
      }),
    ]);
    expect(res.raw).not.toContain('nattetid');
    const [queued] = res.body.needEvaluations;

    await waitFor(
      async () => (await o.status(id)).needEvaluations[0]?.status === 'delivered',
      15_000,
      'the need evaluation delivered',
    );
    const hits = hitsAt('/need/webhook');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.webhookId).toBe(hits[0]!.webhookId);
    expect(hits[0]!.webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
    for (const hit of hits) {
      const headers = Object.fromEntries(Object.entries(hit.headers).map(([k, v]) => [k, String(v)]));
      expect(() => verifyWebhook(destination.secret, headers, hit.body, { now: new Date() })).not.toThrow();
      expect(hit.headers).toMatchObject({
        'planbrygga-event': 'plan.need_evaluation',
        'planbrygga-plan-id': id,
        'planbrygga-plan-version': '1',
      });
    }
    const body = JSON.parse(hits[1]!.body.toString());
    expect(NeedEvaluationEvent.parse(body)).toEqual({
      type: 'plan.need_evaluation',
      planId: id,
      version: 1,
      evaluation: { id: queued.id, ...evaluation() },
    });
    // The message is what the API document's webhooks say.
    const conformance = new ApiConformance((await t.app.inject({ url: '/openapi.json' })).json());
    expect(conformance.checkMessage(hits[1]!.headers, hits[1]!.body)).toEqual([]);

    // The outbox row holds the webhook-id the receiver saw; the delivery row counts both attempts.
    const outbox = await database.db
      .selectFrom('outbox')
      .select(['webhook_id', 'payload'])
      .where('kind', '=', 'need_evaluation.deliver')
      .execute();
    const ours = outbox.filter(
      (row) => (row.payload as { needEvaluationId: string }).needEvaluationId === queued.id,
    );
    expect(ours.map((row) => row.webhook_id)).toEqual([hits[0]!.webhookId]);
    const deliveries = await database.db
      .selectFrom('deliveries')
      .selectAll()
      .where('plan_id', '=', id)
      .where('job_name', '=', 'need_evaluation.deliver')
      .execute();
    expect(deliveries).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 2, webhook_id: hits[0]!.webhookId }),
    ]);

    const status = await o.status(id);
    expect(status.needEvaluations).toEqual([
      {
        id: queued.id,
        version: 1,
        date: '2025-03-03',
        by: { name: 'Karin Öberg', title: 'Kontaktman' },
        via: 'webhook',
        status: 'delivered',
        createdAt: expect.any(String),
        deliveredAt: expect.any(String),
        acknowledgedAt: null,
      },
    ]);
    expect(JSON.stringify(status)).not.toContain('nattetid');
    // A poller without plans:read learns when and how far, not who evaluated.
    expect((await o.status(id, o.poller)).needEvaluations).toEqual([
      expect.not.objectContaining({ by: expect.anything() }),
    ]);
    expect(
      (await o.feed(id)).map((c: { kind: string; detail: { id: string } }) => [c.kind, c.detail.id]),
    ).toEqual([
      ['need_evaluation_recorded', queued.id],
      ['need_evaluation_delivered', queued.id],
    ]);

    // The case officer's system confirms; the status says so.
    const receipt = await o.call(
      'POST',
      `/v1/plans/${id}/need-evaluations/${queued.id}/receipt`,
      undefined,
      o.receiverKey,
    );
    expect(receipt.status, receipt.raw).toBe(200);
    expect(receipt.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    expect((await o.status(id)).needEvaluations[0].status).toBe('acknowledged');

    await waitFor(
      async () =>
        t.logLines().some((l) => l.msg === 'need evaluation delivered' && l.needEvaluationId === queued.id),
      15_000,
      'the worker logged the delivery',
    );
    const logs = t.logs();
    for (const line of SUMMARY.split('\n')) expect(logs).not.toContain(line);
    expect(logs).not.toContain('nattetid');
  });

  it('once to every submission destination of the organisation, each its own delivery', async () => {
    const o = await organisation();
    await o.destination('/need/first');
    await o.destination('/need/second');
    const id = await o.push('NEED-TWO');
    const res = await o.evaluate(id);
    expect(res.status, res.raw).toBe(202);
    expect(res.body.needEvaluations.map((e: { via: string }) => e.via)).toEqual(['webhook', 'webhook']);
    await waitFor(
      async () => hitsAt('/need/first').length === 1 && hitsAt('/need/second').length === 1,
      15_000,
      'both destinations reached',
    );
    expect(hitsAt('/need/first')[0]!.webhookId).not.toBe(hitsAt('/need/second')[0]!.webhookId);
    await waitFor(
      async () =>
        (await o.status(id)).needEvaluations.every((e: { status: string }) => e.status === 'delivered'),
      15_000,
      'both delivered',
    );
  });

  it('to the pull inbox when the organisation has no submission destination; the receipt takes it out', async () => {
    const o = await organisation();
    const id = await o.push('NEED-INBOX');
    const res = await o.evaluate(id);
    expect(res.status, res.raw).toBe(202);
    const [inbox] = res.body.needEvaluations;
    expect(inbox).toMatchObject({ via: 'inbox', status: 'delivered' });

    const pulled = await o.call('GET', '/v1/inbox/need-evaluations', undefined, o.receiverKey);
    expect(pulled.status, pulled.raw).toBe(200);
    expect(pulled.body).toEqual({
      items: [expect.objectContaining({ id: inbox.id, planId: id, version: 1, summary: SUMMARY })],
      nextCursor: null,
    });
    // Another organisation's receiver sees none of it, and cannot confirm it.
    const other = await organisation();
    expect(
      (await other.call('GET', '/v1/inbox/need-evaluations', undefined, other.receiverKey)).body.items,
    ).toEqual([]);
    expect(
      (
        await other.call(
          'POST',
          `/v1/plans/${id}/need-evaluations/${inbox.id}/receipt`,
          undefined,
          other.receiverKey,
        )
      ).status,
    ).toBe(404);

    const receipt = `/v1/plans/${id}/need-evaluations/${inbox.id}/receipt`;
    expect((await o.call('POST', receipt, undefined, o.receiverKey)).body.status).toBe('acknowledged');
    expect((await o.call('POST', receipt, undefined, o.receiverKey)).status).toBe(200);
    expect((await o.call('GET', '/v1/inbox/need-evaluations', undefined, o.receiverKey)).body.items).toEqual(
      [],
    );
    expect((await o.status(id)).needEvaluations).toEqual([
      expect.objectContaining({ id: inbox.id, via: 'inbox', status: 'acknowledged' }),
    ]);
    expect((await o.feed(id)).map((c: { kind: string }) => c.kind)).toEqual([
      'need_evaluation_recorded',
      'need_evaluation_acknowledged',
    ]);

    // The plan's own list gives the summary back to a client with plans:read.
    const listed = await o.call('GET', `/v1/plans/${id}/need-evaluations`);
    expect(listed.body.needEvaluations).toEqual([
      expect.objectContaining({ id: inbox.id, summary: SUMMARY }),
    ]);
    expect((await o.call('GET', `/v1/plans/${id}/need-evaluations`, undefined, o.receiverKey)).status).toBe(
      403,
    );

    // Every call is in the audit log under its action, with ids only: never the summary.
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'details', 'outcome'])
      .where('plan_id', '=', id)
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => [entry.action, entry.outcome])).toEqual(
      expect.arrayContaining([
        ['plan.need_evaluation.submit', 'success'],
        ['plan.need_evaluation.receipt', 'success'],
        ['plan.need_evaluation.read', 'success'],
        ['plan.need_evaluation.read', 'denied'],
      ]),
    );
    expect(audit.find((entry) => entry.action === 'plan.need_evaluation.submit')?.details).toMatchObject({
      needEvaluations: [inbox.id],
    });
    expect(JSON.stringify(audit)).not.toContain('nattetid');
  });

  it('fails for good on a 4xx: failed in status and feed, and cannot be confirmed', async () => {
    const o = await organisation();
    await o.destination('/need/refuses');
    receiver.answer.set('/need/refuses', () => 400);
    const id = await o.push('NEED-FAILS');
    const [queued] = (await o.evaluate(id)).body.needEvaluations;
    await waitFor(
      async () => (await o.status(id)).needEvaluations[0]?.status === 'failed',
      15_000,
      'the need evaluation failed',
    );
    expect((await o.feed(id)).map((c: { kind: string }) => c.kind)).toEqual([
      'need_evaluation_recorded',
      'need_evaluation_failed',
    ]);
    const receipt = await o.call(
      'POST',
      `/v1/plans/${id}/need-evaluations/${queued.id}/receipt`,
      undefined,
      o.receiverKey,
    );
    expect(receipt.status).toBe(409);
  });

  it('keeps the summary encrypted at rest, bound to its plan', async () => {
    const o = await organisation();
    const id = await o.push('NEED-SEALED');
    const [stored] = (await o.evaluate(id)).body.needEvaluations;
    const row = await database.db
      .selectFrom('need_evaluations')
      .select(['summary', 'by_name'])
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(row.summary).toMatch(/^pbe1:/);
    expect(row.summary).not.toContain('nattetid');
    expect(row.by_name).toBe('Karin Öberg');
  });
});

describe('what a need evaluation must be (problem+json with field paths)', () => {
  it('refuses a malformed body (422), a body that is not JSON (400), and an unknown plan (404)', async () => {
    const o = await organisation();
    const id = await o.push('NEED-INVALID');
    const refused = async (body: object | string) => {
      const res = await o.evaluate(id, body);
      return { status: res.status, paths: (res.body.errors ?? []).map((e: { path: string }) => e.path) };
    };
    expect(await refused({ date: '2025-02-30', summary: SUMMARY, by: evaluation().by })).toEqual({
      status: 422,
      paths: ['/date'],
    });
    expect(await refused({ ...evaluation(), summary: ' \n ' })).toEqual({ status: 422, paths: ['/summary'] });
    expect(await refused({ ...evaluation(), summary: 'x'.repeat(10_001) })).toEqual({
      status: 422,
      paths: ['/summary'],
    });
    expect(await refused({ ...evaluation(), by: { name: 'Karin Öberg' } })).toEqual({
      status: 422,
      paths: ['/by/title'],
    });
    expect(await refused({ ...evaluation(), personnummer: '191212121212' })).toMatchObject({ status: 422 });
    expect(await refused({ ...evaluation(), date: '2999-01-01' })).toEqual({ status: 422, paths: ['/date'] });
    expect((await o.evaluate(id, '{"date": ')).status).toBe(400);
    expect((await o.evaluate('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await o.evaluate('not-a-uuid')).status).toBe(404);
    expect((await (await organisation()).evaluate(id)).status).toBe(404);
    // Nothing was stored by any of them.
    const rows = await database.db
      .selectFrom('need_evaluations')
      .select('id')
      .where('plan_id', '=', id)
      .execute();
    expect(rows).toEqual([]);
    // The maximum itself is accepted.
    expect((await o.evaluate(id, evaluation('x'.repeat(10_000)))).status).toBe(202);
  });

  it('refuses an ended plan (409)', async () => {
    const o = await organisation();
    const id = await o.push('NEED-ENDED');
    expect(
      (await o.call('POST', `/v1/plans/${id}/end`, { date: '2025-03-01', reason: 'Flyttat' })).status,
    ).toBe(200);
    expect((await o.evaluate(id)).status).toBe(409);
  });
});

describe('data protection: the summary goes with the plan’s content', () => {
  it('erasure prunes it (the delivery history stays); subject access lists the evaluation as pruned', async () => {
    const o = await organisation();
    const id = await o.push('NEED-ERASED');
    const [stored] = (await o.evaluate(id)).body.needEvaluations;
    await o.call('POST', `/v1/plans/${id}/need-evaluations/${stored.id}/receipt`, undefined, o.receiverKey);
    const erased = await o.call('POST', `/v1/plans/${id}/erasure`, { reason: 'Begäran om radering' });
    expect(erased.status, erased.raw).toBe(200);
    const row = await database.db
      .selectFrom('need_evaluations')
      .select(['summary', 'pruned_at', 'status'])
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ summary: null, pruned_at: expect.any(Date), status: 'acknowledged' });
    const listed = await o.call('GET', `/v1/plans/${id}/need-evaluations`);
    expect(listed.body.needEvaluations).toEqual([expect.objectContaining({ id: stored.id, summary: null })]);
    // The status of the pruned plan still shows the evaluation's delivery, as metadata.
    const status = await o.status(id);
    expect(status.contentPruned).toMatchObject({ reason: 'erasure' });
    expect(status.needEvaluations).toEqual([
      expect.objectContaining({ id: stored.id, date: '2025-03-03', status: 'acknowledged' }),
    ]);
    const access = await o.call('POST', '/v1/admin/subject-access', {
      personnummer: TEST_PERSON.identityNumber,
    });
    const plan = access.body.plans.find((p: { id: string }) => p.id === id);
    expect(plan.needEvaluations).toEqual([
      expect.objectContaining({ id: stored.id, status: 'acknowledged', summary: 'pruned' }),
    ]);
  });

  it('erasure waits (409) while an evaluation is still queued for delivery', async () => {
    const o = await organisation();
    await o.destination('/need/held');
    receiver.answer.set('/need/held', () => 'hold');
    const id = await o.push('NEED-QUEUED');
    expect((await o.evaluate(id)).status).toBe(202);
    const erased = await o.call('POST', `/v1/plans/${id}/erasure`, { reason: 'Begäran om radering' });
    expect(erased.status, erased.raw).toBe(409);
    for (const res of receiver.held) res.writeHead(200).end();
  });
});
