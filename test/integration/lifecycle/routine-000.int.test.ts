import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanOverdue } from '../../../src/services/overdue.service.js';
import {
  communicatedOn,
  contactPersonSigns,
  createLifecycleApp,
  draftOf,
  type Json,
  type LifecycleTestApp,
  managerSigns,
  organisationOf,
  personSigns,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp();
});
afterAll(async () => {
  await t.close();
});

const codes = (status: Json) => (status.overdue as Json[]).map((r) => r.code);

describe('routine 000 (Omsorgsförvaltningen, Procapita/Lifecare), through the API', () => {
  it('routine 000: the plan is established within 14 days of the intervention start (inom 14 dagar)', async () => {
    const o = await organisationOf(t);
    t.at('2025-01-10T09:00:00+01:00');
    const { id } = await o.push(draftOf(o.plan('R0-14')));
    const status = await o.status(id);
    expect(status.deadlines.establishBy).toBe('2025-01-21');
    t.at('2025-01-21T23:59:00+01:00');
    expect(codes(await o.status(id))).toEqual([]);
    t.at('2025-01-22T00:01:00+01:00');
    expect((await o.status(id)).overdue).toEqual([
      { code: 'not_established_in_time', dueOn: '2025-01-21', overdueSince: '2025-01-22' },
    ]);
  });

  it('routine 000: the plan says the six items (SOSFS 2014:5 ch. 6) before it is established; the status names what is missing', async () => {
    const o = await organisationOf(t);
    const plan = o.plan('R0-SIX');
    plan.participation = { ...plan.participation, otherParticipants: [] };
    const { id, status } = await o.push(plan);
    expect(status).toBe('draft');
    const body = await o.status(id);
    expect(body.missingContent).toEqual([
      {
        key: 'other_participants',
        wording: 'vilka personer som har deltagit i planeringen',
        paths: ['/participation/otherParticipants'],
      },
    ]);
    expect(body.waitingFor).toMatchObject([{ code: 'content_incomplete' }]);
  });

  it('routine 000: the established date is documented (att genomförandeplanen är upprättad och datum för detta)', async () => {
    const o = await organisationOf(t);
    const { id, status } = await o.push(draftOf(o.plan('R0-DATE')));
    expect(status).toBe('draft');
    expect((await o.status(id)).waitingFor).toEqual([{ code: 'established_date_missing' }]);
    const pushed = await o.push(o.plan('R0-DATE'));
    expect(pushed.status).toBe('established');
  });

  it('routine 000: a draft cannot be signed (409 naming what is missing)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(draftOf(o.plan('R0-DRAFT')));
    const res = await o.sign(id, personSigns);
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://planbrygga.se/problems/signing_draft_refused');
    expect(res.body.errors).toEqual([{ path: '/dates/established', message: expect.any(String) }]);
  });

  it('routine 000: the kontaktman hands the plan over and documents when it is communicated (kommunicerad)', async () => {
    const o = await organisationOf(t);
    const { id, status } = await o.push(o.plan('R0-COMM'));
    expect(status).toBe('established');
    expect((await o.status(id)).waitingFor).toEqual([{ code: 'communicated_date_missing' }]);
    expect((await o.push(communicatedOn(o.plan('R0-COMM'), '2025-01-18'))).status).toBe('communicated');
  });

  it('routine 000: the person signs, or the reason why not is recorded, and the unit manager signs (enhetschef)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('R0-SIGN'), '2025-01-18'));
    const refusal = await o.sign(id, { role: 'person', signed: false, reason: 'Ville inte skriva under.' });
    expect(refusal.status).toBe(201);
    expect(refusal.body.status).toBe('communicated');
    let status = await o.status(id);
    expect(status.signing.required).toEqual([
      { role: 'person', satisfiedBy: 'refusal', metBy: null, guardians: [] },
      { role: 'unit_manager', satisfiedBy: null, metBy: null, guardians: [] },
    ]);
    expect(status.signing.outstanding).toEqual(['unit_manager']);
    const manager = await o.sign(id, managerSigns);
    expect(manager.body.status).toBe('signed');
    status = await o.status(id);
    expect(status.signing).toMatchObject({ complete: true, outstanding: [] });
  });

  it('routine 000: the unit manager cannot give a reason instead of signing', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('R0-UM'), '2025-01-18'));
    await o.sign(id, personSigns);
    await o.sign(id, { role: 'unit_manager', signed: false, reason: 'Semester.' });
    expect((await o.status(id)).signing.outstanding).toEqual(['unit_manager']);
  });

  it('routine 000: a plan drawn up in Lifecare is signed by the kontaktman too', async () => {
    const o = await organisationOf(t);
    const xml = readFileSync(
      new URL('../../adapters/fixtures/hemtjanst-astrid.lifecare.xml', import.meta.url),
      'utf8',
    )
      .replace('<Kommunkod>1980</Kommunkod>', `<Kommunkod>${o.organisation}</Kommunkod>`)
      .replace(/<Signering>\s*<Roll>Kontaktman<\/Roll>[\s\S]*?<\/Signering>/, '');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/systems/lifecare/plans',
      headers: { authorization: o.authorization, 'content-type': 'application/xml' },
      payload: xml,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json();
    let status = await o.status(id);
    expect(status.sourceSystem).toBe('lifecare');
    expect(status.status).toBe('communicated');
    expect(status.signing.outstanding).toEqual(['contact_person']);
    expect((await o.sign(id, contactPersonSigns)).body.status).toBe('signed');
    status = await o.status(id);
    expect(status.signing.required.map((r: Json) => r.role).sort()).toEqual([
      'contact_person',
      'person',
      'unit_manager',
    ]);
  });

  it('routine 000: the contact person does not sign a plan from Procapita or canonical JSON', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('R0-NOLC'), '2025-01-18'));
    expect((await o.status(id)).signing.outstanding).toEqual(['person', 'unit_manager']);
  });

  it('routine 000: follow-up once every half year, Aug 31 + 6 months = Feb 28 (Feb 29 in a leap year)', async () => {
    const o = await organisationOf(t);
    const plan = o.plan('R0-HALF');
    plan.dates = {
      interventionStart: '2024-08-01',
      drawnUp: '2024-08-30',
      established: '2024-08-31',
      nextFollowUp: '2025-12-31',
    };
    const { id } = await o.push(plan);
    t.at('2025-02-28T12:00:00+01:00');
    let status = await o.status(id);
    expect(status.deadlines.followUp).toEqual({
      date: '2025-02-28',
      source: 'policy',
      planDate: '2025-12-31',
      policyLatest: '2025-02-28',
      policyCountsFrom: 'established',
    });
    expect(codes(status)).not.toContain('follow_up_passed');
    t.at('2025-03-01T00:00:01+01:00');
    expect((await o.status(id)).overdue).toContainEqual({
      code: 'follow_up_passed',
      dueOn: '2025-02-28',
      overdueSince: '2025-03-01',
    });

    const leap = o.plan('R0-LEAP');
    leap.dates = {
      interventionStart: '2023-08-01',
      drawnUp: '2023-08-30',
      established: '2023-08-31',
      nextFollowUp: '2024-12-31',
    };
    const pushed = await o.push(leap);
    status = await o.status(pushed.id);
    expect(status.deadlines.followUp.date).toBe('2024-02-29');
  });

  it("routine 000: the plan's own earlier follow-up date counts (eller vid någon förändring)", async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(o.plan('R0-OWN'));
    expect((await o.status(id)).deadlines.followUp).toMatchObject({ date: '2025-07-17', source: 'plan' });
  });

  it('routine 000: home care only: the kontaktman tells the planner how the interventions are linked', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(o.plan('R0-PLAN'));
    expect((await o.status(id)).plannerNotification).toBe('missing');
    await o.push({
      ...o.plan('R0-PLAN'),
      plannerNotification: 'Morgonbesöket kopplas till ordinarie personal.',
    });
    expect((await o.status(id)).plannerNotification).toBe('present');
  });

  it('routine 000: signatures outstanding 14 days after establishment make the plan overdue', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(o.plan('R0-SIGLATE'), '2025-01-18'));
    t.at('2025-01-31T12:00:00+01:00');
    expect(codes(await o.status(id))).toEqual([]);
    t.at('2025-02-01T12:00:00+01:00');
    // Due the same day: the personal-details review, also 14 days after establishment.
    expect(codes(await o.status(id))).toEqual(['signatures_outstanding', 'personal-details-review']);
    expect((await o.status(id)).deadlines.signaturesDueBy).toBe('2025-01-31');
  });

  it('routine 000: deadlines are Stockholm calendar dates across the DST change (2025-03-30)', async () => {
    const o = await organisationOf(t);
    const plan = draftOf(o.plan('R0-DST'));
    plan.dates = {
      ...plan.dates,
      interventionStart: '2025-03-16',
      drawnUp: '2025-03-17',
      nextFollowUp: '2025-09-17',
    };
    t.at('2025-03-20T10:00:00+01:00');
    const { id } = await o.push(plan);
    expect((await o.status(id)).deadlines.establishBy).toBe('2025-03-30');
    // 23:30 CEST on the 30th is still the last day; 00:30 CEST is the 31st, though only 22:30 UTC.
    t.at('2025-03-30T21:30:00Z');
    expect(codes(await o.status(id))).toEqual([]);
    t.at('2025-03-30T22:30:00Z');
    expect((await o.status(id)).overdue).toEqual([
      { code: 'not_established_in_time', dueOn: '2025-03-30', overdueSince: '2025-03-31' },
    ]);
    const report = await scanOverdue(t.ctx(), '2025-03-31');
    expect(report.became).toBeGreaterThanOrEqual(1);
    const listed = await o.ok('GET', '/v1/plans?overdue=true');
    expect(listed.items.map((p: Json) => p.id)).toEqual([id]);
  });
});
