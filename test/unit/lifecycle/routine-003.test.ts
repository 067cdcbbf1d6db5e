import { describe, expect, it } from 'vitest';
import { mergeConsents } from '../../../src/domain/lifecycle/consents.js';
import { computeDeadlines, overdueReasons } from '../../../src/domain/lifecycle/deadlines.js';
import {
  deviationSchema,
  monthlyCompilation,
  monthToCompile,
} from '../../../src/domain/lifecycle/deviations.js';
import { PlanIncomplete, SubmissionRefused } from '../../../src/domain/lifecycle/errors.js';
import { submissionRefusal } from '../../../src/domain/lifecycle/lifecycle.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { lifecycleOf, lssPlan, refused, signed } from './fixtures.js';

const lss = presetPolicy('lss');
const options = { policy: lss, sourceSystem: 'pulsen-combine' };

describe('routine 003: the plan exists at the latest three weeks after the intervention started (senast tre veckor efter att en kund har påbörjat insats)', () => {
  const draft = lssPlan((p) => {
    p.dates.interventionStart = '2025-02-10';
    p.dates.established = undefined;
  });

  it('is due 21 days after the start', () => {
    expect(computeDeadlines(draft, lss).establishBy).toBe('2025-03-03');
  });

  it('is overdue from day 22', () => {
    const deadlines = computeDeadlines(draft, lss);
    const lifecycle = lifecycleOf(draft, options);
    expect(overdueReasons(lifecycle, deadlines, '2025-03-03')).toEqual([]);
    expect(overdueReasons(lifecycle, deadlines, '2025-03-04').map((r) => r.code)).toEqual([
      'not_established_in_time',
    ]);
  });

  it('requires the same six items as routine 000', () => {
    const plan = lssPlan((p) => (p.participation.howPersonTookPart = ''));
    expect(lifecycleOf(plan, options).missingContent.map((i) => i.key)).toEqual(['how_person_took_part']);
  });
});

describe('routine 003: the person is offered to sign (möjlighet för kund att signera)', () => {
  it('is signed when the person has signed; no unit manager or contact person is required', () => {
    const plan = lssPlan((p) => (p.signatures = [signed('person', 'Elias')]));
    expect(lifecycleOf(plan, options).state).toBe('signed');
  });

  it('records a declined offer as a refusal with its reason, which completes the round', () => {
    const plan = lssPlan((p) => (p.signatures = [refused('person', 'Elias avböjde att signera.')]));
    expect(lifecycleOf(plan, options).state).toBe('signed');
  });

  it('waits for the person while the offer is not answered', () => {
    expect(lifecycleOf(lssPlan(), options).waitingFor).toEqual([
      { code: 'signatures_outstanding', roles: ['person'] },
    ]);
  });

  it('accepts a guardian signature but does not count it for the person where the policy says so', () => {
    const lifecycle = lifecycleOf(
      lssPlan((p) => (p.signatures = [signed('guardian', 'God Man')])),
      {
        ...options,
        policy: { ...lss, guardianSignsForPerson: false },
      },
    );
    expect(lifecycle.state).toBe('communicated');
    expect(lifecycle.signatures.notRequired).toEqual([signed('guardian', 'God Man')]);
  });
});

describe('routine 003: revised at least once a year, or when needed (revideras minst en gång per år, eller vid behov)', () => {
  it('allows at most 12 months from the established date', () => {
    const plan = lssPlan((p) => {
      p.dates.established = '2024-02-29';
      p.dates.nextFollowUp = '2025-06-01';
    });
    expect(computeDeadlines(plan, lss).followUp).toMatchObject({ date: '2025-02-28', source: 'policy' });
  });

  it('is overdue the day after', () => {
    const plan = lssPlan((p) => {
      p.dates.established = '2024-03-14';
      p.dates.nextFollowUp = '2025-03-14';
      p.signatures = [signed('person', 'Elias')];
    });
    const reasons = overdueReasons(lifecycleOf(plan, options), computeDeadlines(plan, lss), '2025-03-15');
    expect(reasons).toEqual([{ code: 'follow_up_passed', dueOn: '2025-03-14', overdueSince: '2025-03-15' }]);
  });
});

describe('routine 003: deviations and events of importance are documented daily (dagligen avvikelser och händelser av vikt)', () => {
  it('accepts a deviation or an event with a date and a text', () => {
    expect(
      deviationSchema.parse({
        kind: 'deviation',
        date: ' 2025-03-05 ',
        text: 'Dusch uteblev.\r\nPersonal sjuk.',
      }),
    ).toEqual({
      kind: 'deviation',
      date: '2025-03-05',
      text: 'Dusch uteblev.\nPersonal sjuk.',
    });
  });

  it('refuses an unknown kind, a date that does not exist and a blank text, naming the fields', () => {
    const result = deviationSchema.safeParse({ kind: 'incident', date: '2025-02-29', text: '  ' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('/')).sort()).toEqual(['date', 'kind', 'text']);
  });
});

describe('routine 003: the contact person compiles deviations and events monthly (månatligen sammanställer kontaktman)', () => {
  const records = [
    { id: 'a', kind: 'event' as const, date: '2025-03-20', text: 'Besök av syster.' },
    { id: 'b', kind: 'deviation' as const, date: '2025-03-31', text: 'Kvällsbesök sent.' },
    { id: 'c', kind: 'deviation' as const, date: '2025-03-01', text: 'Dusch uteblev.' },
    { id: 'd', kind: 'deviation' as const, date: '2025-04-01', text: 'Nästa månad.' },
    { id: 'e', kind: 'deviation' as const, date: '2025-02-28', text: 'Förra månaden.' },
  ];

  it('groups one month, deviations and events apart, in date order, keeping extra fields', () => {
    const compilation = monthlyCompilation(records, '2025-03');
    expect(compilation.month).toBe('2025-03');
    expect(compilation.deviations.map((r) => r.id)).toEqual(['c', 'b']);
    expect(compilation.events.map((r) => r.id)).toEqual(['a']);
  });

  it('compiles the previous month, across a year end', () => {
    expect(monthToCompile('2025-04-01')).toBe('2025-03');
    expect(monthToCompile('2026-01-15')).toBe('2025-12');
  });

  it('is part of the lss preset, not of omsorg', () => {
    expect([lss.monthlyCompilation, presetPolicy('omsorg').monthlyCompilation]).toEqual([true, false]);
  });
});

describe('routine 003: consents are renewed or withdrawn (förnya alternativt återta samtycken)', () => {
  const inPlan = [
    { covers: 'Samtycke till att kontaktmannen pratar med syster.', given: true, date: '2025-03-12' },
    { covers: 'Larm', given: true, date: '2025-03-12' },
  ];

  it('shows a withdrawal recorded after the version as the current answer', () => {
    const merged = mergeConsents(inPlan, [
      { covers: '  samtycke till att kontaktmannen  pratar med syster. ', given: false, date: '2025-09-01' },
    ]);
    expect(merged.map((c) => [c.given, c.date, c.source])).toEqual([
      [false, '2025-09-01', 'record'],
      [true, '2025-03-12', 'plan'],
    ]);
    expect(merged[0]?.history).toEqual([
      { given: false, date: '2025-09-01', source: 'record' },
      { given: true, date: '2025-03-12', source: 'plan' },
    ]);
  });

  it('keeps the withdrawal visible in a later version that still carries the old consent', () => {
    const laterVersion = [{ covers: 'Larm', given: true, date: '2025-03-12' }];
    const merged = mergeConsents(laterVersion, [{ covers: 'Larm', given: false, date: '2025-06-01' }]);
    expect(merged.map((c) => c.given)).toEqual([false]);
  });

  it('lets a later version that renews the consent win over an older withdrawal', () => {
    const laterVersion = [{ covers: 'Larm', given: true, date: '2025-09-14' }];
    const merged = mergeConsents(laterVersion, [{ covers: 'Larm', given: false, date: '2025-06-01' }]);
    expect(merged.map((c) => [c.given, c.source])).toEqual([[true, 'plan']]);
  });

  it('lets a record win over the plan on the same date, and the later record over the earlier', () => {
    const merged = mergeConsents(
      [{ covers: 'Larm', given: true, date: '2025-06-01' }],
      [
        { covers: 'Larm', given: false, date: '2025-06-01' },
        { covers: 'Larm', given: true, date: '2025-06-01' },
      ],
    );
    expect(merged.map((c) => [c.given, c.source, c.history.length])).toEqual([[true, 'record', 3]]);
  });
});

describe('routine 003: submitted to the LSS officer when complete (när den reviderade genomförandeplanen är komplett ska den avges till LSS-handläggare)', () => {
  const signedPlan = lssPlan((p) => (p.signatures = [signed('person', 'Elias')]));

  it('is due for submission once complete and signed', () => {
    const lifecycle = lifecycleOf(signedPlan, options);
    expect([lifecycle.state, lifecycle.submissionDue]).toEqual(['signed', true]);
    expect(lifecycle.waitingFor).toEqual([{ code: 'not_submitted' }]);
  });

  it('is not due under omsorg, which submits only on request', () => {
    const plan = lssPlan(
      (p) => (p.signatures = [signed('person', 'Elias'), signed('unit_manager', 'Lena Ek')]),
    );
    expect(lifecycleOf(plan, { policy: presetPolicy('omsorg') }).submissionDue).toBe(false);
  });

  it("waits while the delivery is pending, is submitted on the receiver's 2xx, and acknowledged on a receipt", () => {
    const pending = lifecycleOf(signedPlan, {
      ...options,
      submissions: [{ id: 's1', contentHash: 'content-v1', outcome: 'pending' as const }],
    });
    expect([pending.state, pending.submissionDue]).toEqual(['signed', false]);
    expect(pending.waitingFor).toEqual([{ code: 'submission_pending', submissionId: 's1' }]);
    const submissions = [{ id: 's1', contentHash: 'content-v1', outcome: 'delivered' as const }];
    const submitted = lifecycleOf(signedPlan, { ...options, submissions });
    expect([submitted.state, submitted.submissionDue]).toEqual(['submitted', false]);
    expect(submitted.waitingFor).toEqual([{ code: 'receipt_outstanding', submissionId: 's1' }]);
    const acknowledged = lifecycleOf(signedPlan, {
      ...options,
      submissions,
      receipts: [{ submissionId: 's1' }],
    });
    expect([acknowledged.state, acknowledged.waitingFor]).toEqual(['acknowledged', []]);
  });

  it('falls back to signed when the delivery failed, without submitting again by itself', () => {
    const submissions = [{ id: 's1', contentHash: 'content-v1', outcome: 'failed' as const }];
    const lifecycle = lifecycleOf(signedPlan, { ...options, submissions });
    expect([lifecycle.state, lifecycle.submissionDue]).toEqual(['signed', false]);
    expect(lifecycle.waitingFor).toEqual([{ code: 'submission_failed', submissionId: 's1' }]);
  });

  it('asks for a new submission of a revised version (submissions bind to the version content)', () => {
    const submissions = [{ id: 's1', contentHash: 'content-v1', outcome: 'delivered' as const }];
    const receipts = [{ submissionId: 's1' }];
    const revised = lifecycleOf(signedPlan, { ...options, contentHash: 'content-v2', submissions, receipts });
    expect([revised.state, revised.submissionDue]).toEqual(['signed', true]);
  });

  it('refuses to submit an incomplete plan with a 422 naming the missing items', () => {
    const plan = lssPlan((p) => {
      p.participation.otherParticipants = [];
      p.dates.established = undefined;
    });
    const error = submissionRefusal(lifecycleOf(plan, options));
    expect(error).toBeInstanceOf(PlanIncomplete);
    expect(error?.status).toBe(422);
    expect(error?.issues).toEqual([
      {
        path: '/participation/otherParticipants',
        message: 'is required: vilka personer som har deltagit i planeringen',
      },
      { path: '/dates/established', message: 'is required: när genomförandeplanen har fastställts' },
    ]);
  });

  it('refuses to submit a complete plan that is not yet approved, with a 409 naming the roles', () => {
    const error = submissionRefusal(lifecycleOf(lssPlan(), options));
    expect(error).toBeInstanceOf(SubmissionRefused);
    expect([error?.status, (error as SubmissionRefused).blocker]).toEqual([409, 'signatures_outstanding']);
    expect(error?.issues).toEqual([{ path: '/signatures', message: 'needs a signature by person' }]);
  });

  it('allows submitting a signed plan, and again after it was submitted', () => {
    expect(submissionRefusal(lifecycleOf(signedPlan, options))).toBeUndefined();
    const submissions = [{ id: 's1', contentHash: 'content-v1', outcome: 'delivered' as const }];
    expect(submissionRefusal(lifecycleOf(signedPlan, { ...options, submissions }))).toBeUndefined();
  });
});
