import { describe, expect, it } from 'vitest';
import { computeDeadlines, overdueReasons, stockholmToday } from '../../../src/domain/lifecycle/deadlines.js';
import { SigningDraftRefused } from '../../../src/domain/lifecycle/errors.js';
import { recordSignature } from '../../../src/domain/lifecycle/signatures.js';
import { signedContentHash } from '../../../src/domain/plan-hashes.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { clockAt, homeCarePlan, lifecycleOf, refused, signed } from './fixtures.js';

const omsorg = presetPolicy('omsorg');

describe('routine 000: plan established within 14 days (inom 14 dagar)', () => {
  const draft = homeCarePlan((plan) => {
    plan.dates.established = undefined;
    plan.dates.communicated = undefined;
  });

  it('is due 14 days after the intervention started', () => {
    expect(computeDeadlines(draft, omsorg).establishBy).toBe('2025-03-17');
  });

  it('is not overdue on the 14th day and overdue from the 15th, by the Stockholm date of the clock', () => {
    const lifecycle = lifecycleOf(draft);
    const deadlines = computeDeadlines(draft, omsorg);
    // 2025-03-17T22:59Z is 23:59 in Stockholm (CET): still the 17th.
    expect(overdueReasons(lifecycle, deadlines, stockholmToday(clockAt('2025-03-17T22:59:00Z')))).toEqual([]);
    expect(overdueReasons(lifecycle, deadlines, stockholmToday(clockAt('2025-03-17T23:00:00Z')))).toEqual([
      { code: 'not_established_in_time', dueOn: '2025-03-17', overdueSince: '2025-03-18' },
    ]);
  });

  it('is not overdue once established, even late', () => {
    const late = homeCarePlan((plan) => {
      plan.dates.established = '2025-03-25';
    });
    expect(overdueReasons(lifecycleOf(late), computeDeadlines(late, omsorg), '2025-03-26')).toEqual([]);
  });

  it('counts an established date on an incomplete plan as not established', () => {
    const incomplete = homeCarePlan((plan) => {
      plan.participation.otherParticipants = [];
    });
    const reasons = overdueReasons(
      lifecycleOf(incomplete),
      computeDeadlines(incomplete, omsorg),
      '2025-03-18',
    );
    expect(reasons.map((r) => r.code)).toEqual(['not_established_in_time']);
  });
});

describe('routine 000: establishment and its date are documented (att genomförandeplanen är upprättad och datum för detta ska dokumenteras)', () => {
  it('keeps a complete plan without an established date a draft, saying why', () => {
    const lifecycle = lifecycleOf(homeCarePlan((plan) => (plan.dates.established = undefined)));
    expect(lifecycle.state).toBe('draft');
    expect(lifecycle.waitingFor).toEqual([{ code: 'established_date_missing' }]);
    expect(lifecycle.missingContent.map((item) => item.key)).toEqual(['established_date']);
  });

  it('keeps an incomplete plan with an established date a draft, naming the missing item', () => {
    const lifecycle = lifecycleOf(homeCarePlan((plan) => (plan.participation.otherParticipants = [])));
    expect(lifecycle.state).toBe('draft');
    expect(lifecycle.waitingFor).toEqual([
      {
        code: 'content_incomplete',
        missing: [
          {
            key: 'other_participants',
            wording: 'vilka personer som har deltagit i planeringen',
            paths: ['/participation/otherParticipants'],
          },
        ],
      },
    ]);
  });

  it('makes a complete plan with an established date established', () => {
    expect(lifecycleOf(homeCarePlan((plan) => (plan.dates.communicated = undefined))).state).toBe(
      'established',
    );
  });
});

describe('routine 000: the person signs, or the reason why not is stated (om den enskilde inte skrivit under ska anledning till detta framgå)', () => {
  const policy = omsorg;

  it('is signed when the person and the unit manager have signed', () => {
    const plan = homeCarePlan(
      (p) => (p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')]),
    );
    expect(lifecycleOf(plan, { policy }).state).toBe('signed');
  });

  it('accepts a recorded refusal with its reason instead of the person signature', () => {
    const plan = homeCarePlan(
      (p) =>
        (p.signatures = [refused('person', 'Astrid kan inte skriva.'), signed('unit_manager', 'Lena Ek')]),
    );
    const lifecycle = lifecycleOf(plan, { policy });
    expect(lifecycle.state).toBe('signed');
    expect(lifecycle.signatures.required.find((r) => r.role === 'person')?.satisfiedBy).toBe('refusal');
  });

  it('does not accept a refusal where the policy asks for the signature itself', () => {
    const strict = { ...policy, personMaySignOrGiveReason: false };
    const plan = homeCarePlan(
      (p) =>
        (p.signatures = [refused('person', 'Astrid kan inte skriva.'), signed('unit_manager', 'Lena Ek')]),
    );
    expect(lifecycleOf(plan, { policy: strict }).signatures.outstanding).toEqual(['person']);
  });

  it('counts a signature over a refusal when the person signs after all', () => {
    const plan = homeCarePlan(
      (p) =>
        (p.signatures = [
          refused('person', 'Ville tänka.'),
          signed('person', 'Astrid'),
          signed('unit_manager', 'Lena Ek'),
        ]),
    );
    expect(lifecycleOf(plan).signatures.required.find((r) => r.role === 'person')?.satisfiedBy).toBe(
      'signature',
    );
  });
});

describe('routine 000: handed over in person and gone through before signing (lämnar personligen över … går igenom den före signering)', () => {
  it('is communicated once the communicated date is documented, then waits for signatures', () => {
    const lifecycle = lifecycleOf(homeCarePlan());
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.waitingFor).toEqual([
      { code: 'signatures_outstanding', roles: ['person', 'unit_manager'] },
    ]);
  });

  it('stays established, waiting for the handover, when signatures come before the communicated date', () => {
    const plan = homeCarePlan((p) => {
      p.dates.communicated = undefined;
      p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')];
    });
    const lifecycle = lifecycleOf(plan);
    expect(lifecycle.state).toBe('established');
    expect(lifecycle.waitingFor).toEqual([{ code: 'communicated_date_missing' }]);
  });

  it('refuses to sign a draft with a 409 naming what is missing', () => {
    const plan = homeCarePlan((p) => (p.dates.established = undefined));
    const result = recordSignature({
      signature: signed('person', 'Astrid'),
      current: { version: 1, plan, signedContentHash: signedContentHash(plan) },
      policy: omsorg,
      recorded: [],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(SigningDraftRefused);
    expect(result.error.status).toBe(409);
    expect(result.error.issues).toEqual([
      { path: '/dates/established', message: 'is required: när genomförandeplanen har fastställts' },
    ]);
  });
});

describe('routine 000: the unit manager signs (ska även signeras av enhetschef)', () => {
  it('is not signed without the unit manager', () => {
    const plan = homeCarePlan((p) => (p.signatures = [signed('person', 'Astrid')]));
    const lifecycle = lifecycleOf(plan);
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.outstanding).toEqual(['unit_manager']);
  });

  it('does not let the unit manager give a reason instead of signing', () => {
    const plan = homeCarePlan(
      (p) => (p.signatures = [signed('person', 'Astrid'), refused('unit_manager', 'Semester')]),
    );
    expect(lifecycleOf(plan).signatures.outstanding).toEqual(['unit_manager']);
  });
});

describe('routine 000: a plan drawn up in Lifecare is signed by the contact person (upprättad i Lifecare ska signeras av kontaktman)', () => {
  const plan = homeCarePlan(
    (p) => (p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')]),
  );

  it('requires the contact person when the source system is Lifecare', () => {
    const lifecycle = lifecycleOf(plan, { sourceSystem: 'lifecare' });
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.outstanding).toEqual(['contact_person']);
  });

  it('is signed in Lifecare once the contact person has signed', () => {
    const withContact = homeCarePlan(
      (p) => (p.signatures = [...plan.signatures, signed('contact_person', 'Maria')]),
    );
    expect(lifecycleOf(withContact, { sourceSystem: 'lifecare' }).state).toBe('signed');
  });

  it('does not require the contact person for Procapita', () => {
    expect(lifecycleOf(plan, { sourceSystem: 'procapita' }).state).toBe('signed');
  });
});

describe('routine 000: follow-up once every half year, or on any change (en gång per halvår, eller vid någon förändring)', () => {
  it('allows at most 6 months from the established date, clamping Aug 31 to the end of February', () => {
    const plan = homeCarePlan((p) => {
      p.dates.established = '2025-08-31';
      p.dates.nextFollowUp = '2026-06-01';
    });
    expect(computeDeadlines(plan, omsorg).followUp).toEqual({
      date: '2026-02-28',
      source: 'policy',
      planDate: '2026-06-01',
      policyLatest: '2026-02-28',
      policyCountsFrom: 'established',
    });
  });

  it('clamps to Feb 29 in a leap year', () => {
    const plan = homeCarePlan((p) => {
      p.dates.established = '2023-08-31';
      p.dates.nextFollowUp = '2024-06-01';
    });
    expect(computeDeadlines(plan, omsorg).followUp.date).toBe('2024-02-29');
  });

  it("uses the plan's own earlier follow-up date and says so", () => {
    const followUp = computeDeadlines(homeCarePlan(), omsorg).followUp;
    expect([followUp.date, followUp.source, followUp.policyLatest]).toEqual([
      '2025-09-14',
      'plan',
      '2025-09-14',
    ]);
  });

  it('counts from the drawn-up date while the plan is not established', () => {
    const plan = homeCarePlan((p) => (p.dates.established = undefined));
    expect(computeDeadlines(plan, omsorg).followUp).toMatchObject({
      policyLatest: '2025-09-12',
      policyCountsFrom: 'drawn_up',
    });
  });

  it('is overdue the day after the follow-up date', () => {
    const plan = homeCarePlan(
      (p) => (p.signatures = [signed('person', 'Astrid'), signed('unit_manager', 'Lena Ek')]),
    );
    const deadlines = computeDeadlines(plan, omsorg);
    expect(overdueReasons(lifecycleOf(plan), deadlines, '2025-09-14')).toEqual([]);
    expect(overdueReasons(lifecycleOf(plan), deadlines, '2025-09-15')).toEqual([
      { code: 'follow_up_passed', dueOn: '2025-09-14', overdueSince: '2025-09-15' },
    ]);
  });
});

describe('routine 000: home care only, the contact person tells the planner how the interventions are linked (endast hemtjänst: meddela planeraren)', () => {
  it('asks for the planner notification in home care', () => {
    expect(lifecycleOf(homeCarePlan()).plannerNotification).toBe('present');
    expect(lifecycleOf(homeCarePlan((p) => (p.plannerNotification = undefined))).plannerNotification).toBe(
      'missing',
    );
  });

  it('does not ask for it outside home care', () => {
    const plan = homeCarePlan((p) => {
      p.plan.serviceType = { code: 'SARSKILT_BOENDE', name: 'särskilt boende' };
      p.plannerNotification = undefined;
    });
    expect(lifecycleOf(plan).plannerNotification).toBe('not_required');
  });

  it('is not a completeness item: a home-care plan without it can be established', () => {
    expect(lifecycleOf(homeCarePlan((p) => (p.plannerNotification = undefined))).state).toBe('communicated');
  });
});

describe('routine 000: signatures outstanding too long (policy: 14 days after establishment)', () => {
  it('is overdue from day 15 after establishment while a required role has not signed', () => {
    const plan = homeCarePlan((p) => (p.signatures = [signed('person', 'Astrid')]));
    const deadlines = computeDeadlines(plan, omsorg);
    expect(deadlines.signaturesDueBy).toBe('2025-03-28');
    expect(deadlines.signOffReminderOn).toBe('2025-03-21');
    expect(overdueReasons(lifecycleOf(plan), deadlines, '2025-03-28')).toEqual([]);
    expect(overdueReasons(lifecycleOf(plan), deadlines, '2025-03-29')).toEqual([
      { code: 'signatures_outstanding', dueOn: '2025-03-28', overdueSince: '2025-03-29' },
    ]);
  });
});
