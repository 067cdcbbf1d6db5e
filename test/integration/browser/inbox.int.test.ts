import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenIdTestProvider, oidcEnv, startOpenIdProvider } from '../../helpers/openid-provider.js';
import { TEST_PERSON, testIdentityNumber } from '../../helpers/plans.js';
import {
  communicatedOn,
  createLifecycleApp,
  type Json,
  type LifecycleTestApp,
  lssPlan,
  organisationOf,
  personSigns,
} from '../lifecycle/support.js';
import { APP_URL, csrfOf, form, signIn } from './support.js';

let provider: OpenIdTestProvider;
let t: LifecycleTestApp;
let o: Awaited<ReturnType<typeof organisationOf>>;
let cookie: string;

const caseOfficer = (organisation: string, sub = 'handlaggare-1') => ({
  sub,
  name: 'Karin Handläggare',
  kommunkod: organisation,
  roles: ['lss-handlaggare'],
});

/** A plan pushed, signed and so submitted to the organisation's inbox; its plan id and submission id. */
async function submitted(
  owner: typeof o,
  sourcePlanId: string,
): Promise<{ planId: string; submissionId: string }> {
  const { id } = await owner.push(communicatedOn(lssPlan(owner.organisation, sourcePlanId), '2025-01-20'));
  expect((await owner.sign(id, personSigns)).status).toBe(201);
  const status = await owner.status(id);
  return { planId: id, submissionId: (status.submissions as Json[])[0]?.id };
}

async function page(url: string, who = cookie) {
  return t.app.inject({ url, headers: { cookie: who } });
}

beforeAll(async () => {
  provider = await startOpenIdProvider({ appUrl: APP_URL });
  t = await createLifecycleApp('2025-02-10T10:00:00+01:00', oidcEnv(provider, APP_URL));
  o = await organisationOf(t);
  ({ cookie } = await signIn(t, provider, caseOfficer(o.organisation)));
});

afterAll(async () => {
  await t?.close();
  await provider?.stop();
});

describe('the inbox page', () => {
  it('lists the submissions to the organisation, waiting ones first and oldest first, with who, unit, system, version and date', async () => {
    const first = await submitted(o, 'INBOX-1');
    // Later the same day: the session's absolute lifetime counts on the app's clock.
    t.at('2025-02-10T11:00:00+01:00');
    const second = await submitted(o, 'INBOX-2');
    const res = await page('/inbox');
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.body.split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`href="/inbox/${first.submissionId}"`);
    expect(rows[1]).toContain(`href="/inbox/${second.submissionId}"`);
    expect(rows[0]).toContain(`${TEST_PERSON.givenName} ${TEST_PERSON.familyName}`);
    expect(rows[0]).toContain('Gruppbostaden Linden');
    expect(rows[0]).toContain('2025-02-10');
    expect(rows[0]).toContain('Väntar på kvittens');
    expect(res.body).not.toContain(TEST_PERSON.identityNumber);
  });

  it('shows a plan as the case officer reads it, with "Ladda ner PDF" and "Kvittera", not cached, and audits the view', async () => {
    const { planId, submissionId } = await submitted(o, 'INBOX-READ');
    const res = await page(`/inbox/${submissionId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<h1>Genomförandeplan för Ingegerd Vallström</h1>');
    expect(res.body).not.toMatch(new RegExp(`<title>[^<]*${TEST_PERSON.identityNumber}`));
    for (const heading of [
      'Planens framtagande',
      'Mål och insatser',
      'Utförarens mål och insatser',
      'Underskrifter',
    ]) {
      expect(res.body).toContain(heading);
    }
    expect(res.body).toContain('Underskriven av Ingegerd Vallström 2025-01-20');
    expect(res.body).toContain(`href="/inbox/${submissionId}/document.pdf">Ladda ner PDF</a>`);
    expect(res.body).toContain('>Kvittera</button>');

    const pdf = await page(`/inbox/${submissionId}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('no-store');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const audit = await o.ok('GET', `/v1/admin/audit?planId=${planId}`);
    const actions = (audit.items as Json[]).map((e) => [e.action, e.details]);
    const person = { personSubject: 'handlaggare-1', personName: 'Karin Handläggare', submissionId };
    expect(actions).toContainEqual(['inbox.plan.read', person]);
    expect(actions).toContainEqual(['inbox.document.read', person]);
  });

  it('"Kvittera" acknowledges as a receipt through the API does: status, by whom, the change feed, the audit log', async () => {
    const { planId, submissionId } = await submitted(o, 'INBOX-ACK');
    const view = await page(`/inbox/${submissionId}`);
    const res = await t.app.inject({
      method: 'POST',
      url: `/inbox/${submissionId}/ack`,
      headers: { cookie, ...form({ csrf: csrfOf(view.body) }) },
      payload: form({ csrf: csrfOf(view.body) }).payload,
    });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/inbox/${submissionId}`);

    const status = await o.status(planId);
    expect(status.status).toBe('acknowledged');
    expect(status.submissions).toEqual([
      expect.objectContaining({
        id: submissionId,
        status: 'acknowledged',
        acknowledgedAt: expect.any(String),
        acknowledgedBy: 'Karin Handläggare',
      }),
    ]);
    const feed = await o.feed(planId);
    expect(feed.map((change) => change.status)).toContain('acknowledged');
    const audit = await o.ok('GET', `/v1/admin/audit?planId=${planId}&action=inbox.acknowledge`);
    expect(audit.items).toHaveLength(1);

    const after = await page(`/inbox/${submissionId}`);
    expect(after.body).toContain('Kvitterad');
    expect(after.body).toContain('av Karin Handläggare');
    expect(after.body).not.toContain('>Kvittera</button>');
    const waiting = await page('/inbox');
    expect(waiting.body).not.toContain(submissionId);
    const acknowledged = await page('/inbox?filter=acknowledged');
    expect(acknowledged.body).toContain(submissionId);
    // All of them: the waiting ones first, even one submitted after this was acknowledged.
    t.at('2025-02-10T11:30:00+01:00');
    await submitted(o, 'INBOX-ACK-LATER');
    const all = await page('/inbox?filter=all');
    expect(all.body.lastIndexOf('class="status waiting"')).toBeGreaterThan(0);
    expect(all.body.indexOf(`href="/inbox/${submissionId}"`)).toBeGreaterThan(
      all.body.lastIndexOf('class="status waiting"'),
    );
  });

  it('names the API client as the one who acknowledged a receipt sent through the API', async () => {
    const { planId, submissionId } = await submitted(o, 'INBOX-API-ACK');
    expect((await o.request('POST', `/v1/inbox/${submissionId}/ack`)).status).toBe(200);
    const status = await o.status(planId);
    expect(status.submissions[0]).toMatchObject({ acknowledgedBy: 'test client' });
  });

  it('refuses a form post without the CSRF token and changes nothing', async () => {
    const { planId, submissionId } = await submitted(o, 'INBOX-CSRF');
    for (const csrf of [undefined, 'not-the-token']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/inbox/${submissionId}/ack`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: csrf ? new URLSearchParams({ csrf }).toString() : '',
      });
      expect(res.statusCode).toBe(403);
    }
    expect((await o.status(planId)).status).toBe('submitted');
  });

  it('finds submissions by personnummer through a posted form, never a URL', async () => {
    const { submissionId } = await submitted(o, 'INBOX-SEARCH');
    const view = await page('/inbox');
    const csrf = csrfOf(view.body);
    const found = await t.app.inject({
      method: 'POST',
      url: '/inbox/search',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf, personnummer: TEST_PERSON.identityNumber }).toString(),
    });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(submissionId);
    expect(found.body).not.toContain(TEST_PERSON.identityNumber);

    const other = await t.app.inject({
      method: 'POST',
      url: '/inbox/search',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf, personnummer: testIdentityNumber('19500101', 990) }).toString(),
    });
    expect(other.body).not.toContain(submissionId);
    expect(other.body).toContain('Inga planer hittades');

    const invalid = await t.app.inject({
      method: 'POST',
      url: '/inbox/search',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf, personnummer: '19380814-0000' }).toString(),
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Det finns ett fel');
    expect(invalid.body).not.toContain('19380814');
  });

  it("answers 404 for another municipality's submission and for an id that is no submission", async () => {
    const other = await organisationOf(t);
    const theirs = await submitted(other, 'INBOX-OTHER');
    for (const url of [
      `/inbox/${theirs.submissionId}`,
      `/inbox/${theirs.submissionId}/document.pdf`,
      '/inbox/00000000-0000-4000-8000-000000000000',
      '/inbox/not-a-uuid',
    ]) {
      expect((await page(url)).statusCode, url).toBe(404);
    }
    const view = await page('/inbox');
    const ack = await t.app.inject({
      method: 'POST',
      url: `/inbox/${theirs.submissionId}/ack`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf: csrfOf(view.body) }).toString(),
    });
    expect(ack.statusCode).toBe(404);
    expect((await other.status(theirs.planId)).status).toBe('submitted');
    expect((await page('/inbox')).body).not.toContain(theirs.submissionId);
  });

  it('pages 50 at a time', async () => {
    const crowded = await organisationOf(t);
    const { cookie: theirs } = await signIn(t, provider, caseOfficer(crowded.organisation, 'handlaggare-2'));
    for (let i = 0; i < 51; i += 1) await submitted(crowded, `INBOX-PAGE-${i}`);
    const first = await page('/inbox', theirs);
    expect(first.body.split('<tr>').length - 2).toBe(50);
    expect(first.body).toContain('href="/inbox?filter=waiting&amp;page=2"');
    const second = await page('/inbox?filter=waiting&page=2', theirs);
    expect(second.body.split('<tr>').length - 2).toBe(1);
  });
});
