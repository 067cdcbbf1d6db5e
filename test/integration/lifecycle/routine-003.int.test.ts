import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  communicatedOn,
  createLifecycleApp,
  draftOf,
  type Json,
  type LifecycleTestApp,
  lssPlan,
  organisationOf,
  personSigns,
} from './support.js';

let t: LifecycleTestApp;
beforeAll(async () => {
  t = await createLifecycleApp('2025-02-10T10:00:00+01:00');
});
afterAll(async () => {
  await t.close();
});

describe('routine 003 (LSS provider, Pulsen Combine), through the API', () => {
  it('routine 003: the plan exists at the latest three weeks after the person started (senast tre veckor)', async () => {
    const o = await organisationOf(t);
    const plan = draftOf(lssPlan(o.organisation, 'R3-21'));
    const { id } = await o.push(plan);
    const status = await o.status(id);
    expect(status.policy).toMatchObject({ source: 'default', rules: { preset: 'lss' } });
    expect(status.deadlines.establishBy).toBe('2025-01-28');
    t.at('2025-01-28T23:00:00+01:00');
    expect((await o.status(id)).overdue).toEqual([]);
    t.at('2025-01-29T08:00:00+01:00');
    expect((await o.status(id)).overdue).toEqual([
      { code: 'not_established_in_time', dueOn: '2025-01-28', overdueSince: '2025-01-29' },
    ]);
  });

  it('routine 003: the person is offered to sign; no other signature is required', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'R3-SIGN'), '2025-01-20'));
    expect((await o.status(id)).signing.outstanding).toEqual(['person']);
    expect((await o.sign(id, personSigns)).body.status).toBe('signed');
  });

  it('routine 003: a declined offer is recorded with its reason and completes the round', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'R3-DECL'), '2025-01-20'));
    const res = await o.sign(id, { role: 'person', signed: false, reason: 'Avböjde att signera.' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('signed');
  });

  it('routine 003: a god man signs on the person’s behalf (policy: a guardian counts in the lss preset)', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'R3-GUARD'), '2025-01-20'));
    const guardian = {
      role: 'guardian',
      signed: true,
      name: 'Per Gode',
      date: '2025-01-21',
      method: 'bankid',
    };
    const res = await o.sign(id, guardian);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('signed');
    const status = await o.status(id);
    expect(status.signing).toMatchObject({
      outstanding: [],
      required: [{ role: 'person', satisfiedBy: 'guardian', metBy: 'by guardian Per Gode' }],
      notRequiredRoles: [],
    });
    expect(status.signatures).toMatchObject([{ role: 'guardian', name: 'Per Gode', current: true }]);
  });

  it('routine 003: follow-up at least once a year (minst en gång per år)', async () => {
    const o = await organisationOf(t);
    const plan = lssPlan(o.organisation, 'R3-YEAR');
    plan.dates = { ...plan.dates, nextFollowUp: '2026-06-30' };
    const { id } = await o.push(plan);
    expect((await o.status(id)).deadlines.followUp).toMatchObject({
      date: '2026-01-17',
      source: 'policy',
      policyLatest: '2026-01-17',
    });
  });

  it('routine 003: a complete and approved plan is submitted to the LSS-handläggare (avges) by itself', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(communicatedOn(lssPlan(o.organisation, 'R3-SUBMIT'), '2025-01-20'));
    expect((await o.status(id)).submissionDue).toBe(false);
    await o.sign(id, personSigns);
    // The signing that completes the round submits in its own transaction; without a
    // submission destination the plan goes to the organisation's pull inbox.
    const status = await o.status(id);
    expect(status).toMatchObject({ status: 'submitted', submissionDue: false });
    expect(status.waitingFor).toEqual([{ code: 'receipt_outstanding', submissionId: expect.any(String) }]);
    const inbox = await o.ok('GET', '/v1/inbox');
    expect(inbox.items).toEqual([expect.objectContaining({ planId: id, version: 1 })]);
  });

  it('routine 003: staff record deviations and events of importance daily; the kontaktman compiles them monthly', async () => {
    const o = await organisationOf(t);
    const { id } = await o.push(lssPlan(o.organisation, 'R3-DEV'));
    const record = (kind: string, date: string, text: string) =>
      o.request('POST', `/v1/plans/${id}/deviations`, { kind, date, text });
    expect((await record('deviation', '2024-02-29', 'Promenaden blev inställd.')).status).toBe(201);
    await record('event', '2024-02-01', 'Besök av syster.');
    await record('deviation', '2024-02-10', 'Fick inte dusch på tisdagen.');
    await record('event', '2024-01-31', 'Tandläkarbesök.');
    await record('event', '2024-03-01', 'Flytt av rum.');

    const feb = await o.ok('GET', `/v1/plans/${id}/deviations?month=2024-02`);
    expect(feb.month).toBe('2024-02');
    expect(feb.deviations.map((d: Json) => [d.date, d.text])).toEqual([
      ['2024-02-10', 'Fick inte dusch på tisdagen.'],
      ['2024-02-29', 'Promenaden blev inställd.'],
    ]);
    expect(feb.events.map((d: Json) => d.date)).toEqual(['2024-02-01']);

    // Without a month: the month before today (run on 1 March 2024, it compiles February).
    t.at('2024-03-01T06:00:00+01:00');
    expect((await o.ok('GET', `/v1/plans/${id}/deviations`)).month).toBe('2024-02');

    const bad = await o.request('POST', `/v1/plans/${id}/deviations`, {
      kind: 'other',
      date: '2025-02-29',
      text: ' ',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(['/date', '/kind', '/text']);
    expect((await o.request('GET', `/v1/plans/${id}/deviations?month=2024-13`)).status).toBe(400);
  });

  it('routine 003: consents are renewed or withdrawn at follow-up, with dates, visible in status and in later versions', async () => {
    const o = await organisationOf(t);
    const plan = lssPlan(o.organisation, 'R3-CONSENT');
    const { id } = await o.push(plan);
    const res = await o.request('POST', `/v1/plans/${id}/consents`, {
      covers: 'kontakt med  distriktssköterskan',
      given: false,
      date: '2025-02-01',
    });
    expect(res.status).toBe(201);
    expect(res.body.consents).toMatchObject([{ given: false, date: '2025-02-01', source: 'record' }]);
    // A later version that still carries the old consent keeps showing the withdrawal.
    await o.push({ ...plan, approach: 'Ny text om bemötande.' });
    const status = await o.status(id);
    expect(status.version).toBe(2);
    expect(status.consents).toEqual([
      {
        covers: 'kontakt med  distriktssköterskan',
        given: false,
        date: '2025-02-01',
        source: 'record',
        history: [
          { given: false, date: '2025-02-01', source: 'record' },
          { given: true, date: '2025-01-16', source: 'plan' },
        ],
      },
    ]);
  });
});
