import { describe, expect, it } from 'vitest';
import { assessPlan } from '../../../src/domain/lifecycle/assess.js';
import {
  computeDeadlines,
  overdueChanges,
  overdueReasons,
  stockholmToday,
} from '../../../src/domain/lifecycle/deadlines.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';
import { clockAt, homeCarePlan, lifecycleOf } from './fixtures.js';

const omsorg = presetPolicy('omsorg');

describe('issue 4: deadlines in Europe/Stockholm calendar dates (svensk kalenderdag)', () => {
  it('takes today in Stockholm across the spring DST change (2025-03-30)', () => {
    expect(stockholmToday(clockAt('2025-03-29T22:59:59Z'))).toBe('2025-03-29');
    expect(stockholmToday(clockAt('2025-03-29T23:00:00Z'))).toBe('2025-03-30');
    expect(stockholmToday(clockAt('2025-03-30T21:59:59Z'))).toBe('2025-03-30');
    expect(stockholmToday(clockAt('2025-03-30T22:30:00Z'))).toBe('2025-03-31');
  });

  it('takes today in Stockholm across the autumn DST change (2025-10-26)', () => {
    expect(stockholmToday(clockAt('2025-10-25T21:59:59Z'))).toBe('2025-10-25');
    expect(stockholmToday(clockAt('2025-10-25T22:30:00Z'))).toBe('2025-10-26');
    expect(stockholmToday(clockAt('2025-10-26T22:59:59Z'))).toBe('2025-10-26');
    expect(stockholmToday(clockAt('2025-10-26T23:00:00Z'))).toBe('2025-10-27');
  });

  it('counts 14 calendar days over a DST change, never 14 × 24 hours', () => {
    const spring = homeCarePlan((p) => (p.dates.interventionStart = '2025-03-20'));
    const autumn = homeCarePlan((p) => (p.dates.interventionStart = '2025-10-20'));
    expect(computeDeadlines(spring, omsorg).establishBy).toBe('2025-04-03');
    expect(computeDeadlines(autumn, omsorg).establishBy).toBe('2025-11-03');
  });

  it('becomes overdue at Stockholm midnight, not UTC midnight, on a DST night', () => {
    const draft = homeCarePlan((p) => {
      p.dates.interventionStart = '2025-03-16';
      p.dates.drawnUp = '2025-03-16';
      p.dates.established = undefined;
    });
    const deadlines = computeDeadlines(draft, omsorg);
    expect(deadlines.establishBy).toBe('2025-03-30');
    const at = (iso: string) => overdueReasons(lifecycleOf(draft), deadlines, stockholmToday(clockAt(iso)));
    expect(at('2025-03-30T21:59:00Z')).toEqual([]);
    expect(at('2025-03-30T22:30:00Z').map((r) => r.overdueSince)).toEqual(['2025-03-31']);
  });

  it('moves month ends to the last day of a shorter month (Aug 31 + 6 months, leap years)', () => {
    const followUpFrom = (established: string, months: number) =>
      computeDeadlines(
        homeCarePlan((p) => {
          p.dates.established = established;
          p.dates.nextFollowUp = '2099-01-01';
        }),
        { ...omsorg, followUpMonths: months },
      ).followUp.date;
    expect(followUpFrom('2025-08-31', 6)).toBe('2026-02-28');
    expect(followUpFrom('2027-08-31', 6)).toBe('2028-02-29');
    expect(followUpFrom('2024-02-29', 12)).toBe('2025-02-28');
    expect(followUpFrom('2024-02-29', 48)).toBe('2028-02-29');
    expect(followUpFrom('2025-03-31', 6)).toBe('2025-09-30');
    expect(followUpFrom('2025-12-31', 2)).toBe('2026-02-28');
  });

  it('counts days over Feb 29 in a leap year', () => {
    const plan = homeCarePlan((p) => (p.dates.interventionStart = '2024-02-20'));
    expect(computeDeadlines(plan, omsorg).establishBy).toBe('2024-03-05');
    const common = homeCarePlan((p) => (p.dates.interventionStart = '2025-02-20'));
    expect(computeDeadlines(common, omsorg).establishBy).toBe('2025-03-06');
  });
});

describe('issue 4: a plan becoming overdue is an event (försenad plan blir en händelse)', () => {
  const due = { code: 'follow_up_passed' as const, dueOn: '2025-09-14', overdueSince: '2025-09-15' };

  it('reports reasons that appeared and cleared between two evaluations', () => {
    expect(overdueChanges([], [due])).toEqual({ became: [due], cleared: [] });
    expect(overdueChanges([due], [due])).toEqual({ became: [], cleared: [] });
    expect(overdueChanges([due], [])).toEqual({ became: [], cleared: [due] });
  });

  it('treats a reason with a moved deadline as new', () => {
    const moved = { ...due, dueOn: '2026-03-14', overdueSince: '2026-03-15' };
    expect(overdueChanges([due], [moved])).toEqual({ became: [moved], cleared: [due] });
  });
});

describe('issue 4: status shows state, deadlines and overdue reasons together (status visar frister)', () => {
  it('assesses a draft that is late and whose follow-up has passed', () => {
    const plan = homeCarePlan((p) => {
      p.dates.established = undefined;
      p.dates.communicated = undefined;
    });
    const input = {
      plan,
      contentHash: 'content-v1',
      sourceSystem: 'procapita',
      policy: omsorg,
      signatures: [],
      submissions: [],
      receipts: [],
      reviews: [],
      cooperation: [],
    };
    const status = assessPlan(input, '2025-09-13');
    expect(status.lifecycle.state).toBe('draft');
    expect(status.deadlines).toEqual({
      establishBy: '2025-03-17',
      followUp: {
        date: '2025-09-12',
        source: 'policy',
        planDate: '2025-09-14',
        policyLatest: '2025-09-12',
        policyCountsFrom: 'drawn_up',
      },
    });
    expect(status.overdue.map((r) => r.code)).toEqual(['not_established_in_time', 'follow_up_passed']);
  });
});
