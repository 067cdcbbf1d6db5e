import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatAdapters } from '../../../adapters/index.js';
import { generateWebhookSecret } from '../../../src/delivery/contract/webhook-signature.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import { ApiConformance } from '../../helpers/api-conformance.js';
import { adminOf, bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { TEST_PERSON, validPlan } from '../../helpers/plans.js';

/**
 * Every operation of the API document, called against the app, and every answer held to the
 * document (status, media type, body against its schema, headers): the document and the
 * answers cannot drift apart. A new operation adds its calls here; the last test fails while
 * a documented operation has not been called.
 */

let t: TestApp;
let conformance: ApiConformance;
let admin: { organisation: string; authorization: string };
let receiverKey: string;
/** What the answers of the current test broke of the document. */
let broken: string[] = [];

interface Call {
  authorization?: string | null;
  payload?: unknown;
  headers?: Record<string, string>;
}

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options: Call = {}) {
  const authorization = options.authorization === undefined ? admin.authorization : options.authorization;
  const res = await t.app.inject({
    method,
    url,
    headers: { ...(authorization && { authorization }), ...options.headers },
    ...(options.payload !== undefined && {
      payload:
        options.payload instanceof Uint8Array ? Buffer.from(options.payload) : (options.payload as object),
    }),
  });
  broken.push(...conformance.check(method, url, res));
  return res;
}

const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options: Call = {}) => {
  const res = await call(method, url, options);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res;
};

function submittablePlan(sourcePlanId: string) {
  const plan = validPlan({ municipalityCode: admin.organisation, sourcePlanId });
  return {
    ...plan,
    dates: { ...plan.dates, communicated: '2025-01-17' },
    signatures: [
      ...plan.signatures,
      { role: 'contact_person', signed: true, name: 'Karin Öberg', date: '2025-01-17', method: 'siths' },
    ],
  };
}

beforeAll(async () => {
  t = await createTestApp();
  conformance = new ApiConformance((await t.app.inject({ url: '/openapi.json' })).json());
  admin = await adminOf(t.deps);
  receiverKey = await bearer(t.deps, admin.organisation, ['inbox:read', 'plans:read']);
});

afterAll(() => t?.close());

beforeEach(() => {
  broken = [];
});

describe('every answer is the one the API document describes', () => {
  it('probes', async () => {
    await ok('GET', '/health');
    await ok('GET', '/ready');
    expect(broken).toEqual([]);
  });

  it('plans: push, read, list, search, renderings', async () => {
    const plan = submittablePlan('CONFORM-1');
    const created = await ok('POST', '/v1/plans', { payload: plan });
    const id = created.json().id as string;
    await ok('POST', '/v1/plans', { payload: plan });
    await call('POST', '/v1/plans', { payload: { ...plan, person: {} } });
    await call('POST', '/v1/plans', { payload: plan, headers: { 'if-match': '"v9"' } });
    await call('POST', '/v1/plans', { payload: '{"plan":', headers: { 'content-type': 'application/json' } });
    await call('POST', '/v1/plans', { authorization: null, payload: plan });
    await call('POST', '/v1/plans', { authorization: receiverKey, payload: plan });

    const read = await ok('GET', `/v1/plans/${id}`);
    await call('GET', `/v1/plans/${id}`, { headers: { 'if-none-match': String(read.headers.etag) } });
    await call('GET', `/v1/plans/${id}?version=7`);
    await call('GET', `/v1/plans/${randomUUID()}`);
    await ok('GET', `/v1/plans/${id}/versions`);
    const status = await ok('GET', `/v1/plans/${id}/status`);
    await call('GET', `/v1/plans/${id}/status`, {
      headers: { 'if-none-match': String(status.headers.etag) },
    });
    await ok('GET', '/v1/plans?limit=5');
    await call('GET', '/v1/plans?limit=0');
    await ok('POST', '/v1/plans/search', { payload: { personnummer: TEST_PERSON.identityNumber } });
    await call('POST', '/v1/plans/search', { payload: { personnummer: '1' } });
    await ok('GET', `/v1/plans/${id}/document.pdf`);
    await ok('GET', `/v1/systems/fhir/plans/${id}`);
    for (const system of ['procapita', 'lifecare', 'pulsen-combine']) {
      const native = await ok('GET', `/v1/systems/${system}/plans/${id}`);
      await call('GET', `/v1/systems/${system}/plans/${id}`, {
        headers: { 'if-none-match': String(native.headers.etag) },
      });
    }
    await call('GET', `/v1/systems/excel/plans/${id}`);
    expect(broken).toEqual([]);
  });

  it('native pushes', async () => {
    const parsed = parseCanonicalPlan(submittablePlan('CONFORM-NATIVE'));
    if (!parsed.ok) throw new Error('the test plan is not valid');
    for (const adapter of Object.values(formatAdapters)) {
      const rendered = adapter.render(parsed.plan, { now: new Date('2025-01-20T09:00:00Z') });
      if (!rendered.ok) throw new Error(`the test plan cannot be written as ${adapter.system}`);
      const contentType = adapter.contentType.startsWith('application/json')
        ? 'application/json'
        : 'application/xml';
      await ok('POST', `/v1/systems/${adapter.system}/plans`, {
        payload: rendered.body,
        headers: { 'content-type': contentType },
      });
    }
    await call('POST', '/v1/systems/lifecare/plans', {
      payload: new TextEncoder().encode('<plan>'),
      headers: { 'content-type': 'application/xml' },
    });
    await call('POST', '/v1/systems/lifecare/plans', {
      payload: new TextEncoder().encode('hello'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(broken).toEqual([]);
  });

  it('status, records and the change feed', async () => {
    const id = (await ok('POST', '/v1/plans', { payload: submittablePlan('CONFORM-2') })).json().id as string;
    await ok('POST', `/v1/plans/${id}/signatures`, {
      payload: {
        role: 'contact_person',
        signed: true,
        name: 'Karin Öberg',
        date: '2025-01-18',
        method: 'siths',
      },
    });
    await call('POST', `/v1/plans/${id}/signatures`, { payload: { role: 'person' } });
    await ok('POST', `/v1/plans/${id}/deviations`, {
      payload: { kind: 'deviation', date: '2025-01-18', text: 'Duschen blev inställd.' },
    });
    await ok('GET', `/v1/plans/${id}/deviations?month=2025-01`);
    await call('GET', `/v1/plans/${id}/deviations?month=januari`);
    await ok('POST', `/v1/plans/${id}/consents`, {
      payload: { covers: 'Kontakt med anhöriga', given: false, date: '2025-01-18' },
    });
    await ok('POST', `/v1/plans/${id}/reviews`, {
      payload: {
        kind: 'personal-details',
        date: '2025-01-18',
        by: { name: 'Karin Öberg', title: 'Undersköterska' },
      },
    });
    await call('POST', `/v1/plans/${id}/reviews`, { payload: { kind: 'other' } });
    await ok('GET', `/v1/plans/${id}/reviews`);
    await ok('POST', `/v1/plans/${id}/cooperation`, {
      payload: { kind: 'sip', date: '2025-01-18', parties: ['Region Skåne'], note: 'SIP-möte bokat.' },
    });
    await call('POST', `/v1/plans/${id}/cooperation`, { payload: { kind: 'sip', parties: [] } });
    const changes = await ok('GET', '/v1/changes?limit=1000');
    await ok('GET', `/v1/changes?after=${changes.json().cursor}&wait=0`);
    await call('GET', '/v1/changes?after=bogus');
    await ok('GET', '/v1/compliance/overdue');
    await ok('POST', `/v1/plans/${id}/end`, { payload: { date: '2025-01-20', reason: 'Flyttat' } });
    await call('POST', `/v1/plans/${id}/end`, { payload: { date: 'igår', reason: 'Flyttat' } });
    expect(broken).toEqual([]);
  });

  it('submissions, receipts and the inbox', async () => {
    const id = (await ok('POST', '/v1/plans', { payload: submittablePlan('CONFORM-3') })).json().id as string;
    const submitted = await ok('POST', `/v1/plans/${id}/submissions`);
    const submission = submitted.json().submissions[0].id as string;
    await ok('POST', `/v1/plans/${id}/submissions`, { payload: {} });
    await ok('GET', `/v1/plans/${id}/submissions/${submission}`);
    await call('GET', `/v1/plans/${id}/submissions/${randomUUID()}`);
    await ok('GET', '/v1/inbox?system=procapita', { authorization: receiverKey });
    await call('GET', '/v1/inbox?system=excel', { authorization: receiverKey });
    await ok('POST', `/v1/inbox/${submission}/ack`, { authorization: receiverKey });
    await ok('POST', `/v1/plans/${id}/submissions/${submission}/receipt`);

    const evaluated = await ok('POST', `/v1/plans/${id}/need-evaluations`, {
      payload: {
        date: '2025-01-20',
        summary: 'Behovet av stöd på kvällen har ökat.\nFöreslår ny behovsbedömning.',
        by: { name: 'Karin Öberg', title: 'Kontaktman' },
      },
    });
    const evaluation = evaluated.json().needEvaluations[0].id as string;
    await call('POST', `/v1/plans/${id}/need-evaluations`, { payload: { date: '2025-01-20', summary: '' } });
    await call('POST', `/v1/plans/${randomUUID()}/need-evaluations`, {
      payload: { date: '2025-01-20', summary: 'x', by: { name: 'K', title: 'K' } },
    });
    await ok('GET', `/v1/plans/${id}/need-evaluations`);
    await ok('GET', '/v1/inbox/need-evaluations?limit=10', { authorization: receiverKey });
    await call('GET', '/v1/inbox/need-evaluations?limit=0', { authorization: receiverKey });
    await ok('POST', `/v1/plans/${id}/need-evaluations/${evaluation}/receipt`, {
      authorization: receiverKey,
    });
    await call('POST', `/v1/plans/${id}/need-evaluations/${randomUUID()}/receipt`, {
      authorization: receiverKey,
    });

    const refused = (
      await ok('POST', '/v1/plans', {
        payload: validPlan({ municipalityCode: admin.organisation, sourcePlanId: 'CONFORM-4' }),
      })
    ).json().id as string;
    await call('POST', `/v1/plans/${refused}/submissions`);
    expect(broken).toEqual([]);
  });

  it('administration: policies, destinations, deliveries, audit, holds, erasure, subject access', async () => {
    const org = admin.organisation;
    await ok('PUT', `/v1/admin/policies/${org}`, { payload: { preset: 'omsorg', followUpMonths: 6 } });
    await call('PUT', `/v1/admin/policies/${org}`, { payload: { preset: 'none' } });
    await ok('GET', `/v1/admin/policies/${org}`);
    await ok('PUT', `/v1/admin/policies/${org}/units/HT-NORR`, { payload: { preset: 'lss' } });
    await ok('GET', `/v1/admin/policies/${org}/units/HT-NORR`);
    await call('GET', '/v1/admin/policies/12');

    const destination = await ok('POST', '/v1/admin/destinations', {
      payload: {
        kind: 'status',
        system: 'procapita',
        url: 'https://verksamhet.example.se/hooks',
        secret: generateWebhookSecret(),
      },
    });
    await call('POST', '/v1/admin/destinations', {
      payload: { kind: 'status', system: 'excel', url: 'x', secret: 'y' },
    });
    await ok('GET', '/v1/admin/destinations');
    await ok('DELETE', `/v1/admin/destinations/${destination.json().id}`);
    await ok('GET', '/v1/admin/deliveries?status=failed');
    await call('POST', `/v1/admin/deliveries/${randomUUID()}/retry`);
    await ok('POST', '/v1/admin/deliveries/retry', { payload: {} });

    await ok('GET', '/v1/admin/audit?limit=10');
    await ok('POST', '/v1/admin/audit/search', { payload: { personnummer: TEST_PERSON.identityNumber } });

    const id = (await ok('POST', '/v1/plans', { payload: submittablePlan('CONFORM-5') })).json().id as string;
    const hold = await ok('POST', `/v1/plans/${id}/holds`, { payload: { reason: 'Tvist om insatsen' } });
    await call('POST', `/v1/plans/${id}/erasure`, { payload: { reason: 'Begäran om radering' } });
    await ok('DELETE', `/v1/plans/${id}/holds/${hold.json().id}`);
    await ok('POST', `/v1/plans/${id}/erasure`, { payload: { reason: 'Begäran om radering' } });
    await ok('POST', '/v1/admin/subject-access', { payload: { personnummer: TEST_PERSON.identityNumber } });
    expect(broken).toEqual([]);
  });

  it('a push whose audit entry cannot be written is withheld as a 500 problem', async () => {
    const constraint = `audit_refuses_${admin.organisation}`;
    await sql`alter table audit_log add constraint ${sql.id(constraint)} check (organisation <> ${sql.lit(admin.organisation)}) not valid`.execute(
      t.deps.db,
    );
    try {
      const res = await call('POST', '/v1/plans', { payload: submittablePlan('CONFORM-AUDIT') });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await sql`alter table audit_log drop constraint ${sql.id(constraint)}`.execute(t.deps.db);
    }
    expect(broken).toEqual([]);
  });

  it('has called every documented operation', () => {
    expect(conformance.unexercised()).toEqual([]);
  });
});
