import { describe, expect, it } from 'vitest';
import { NeedEvaluationEvent } from '../../../src/delivery/contract/webhook-events.js';
import { JOBS, parseJob } from '../../../src/delivery/queues/catalogue.js';
import {
  initialStatus,
  NEED_EVALUATION_SUMMARY_MAX,
  needEvaluationDateIssues,
  needEvaluationSchema,
  needEvaluationTargets,
  statusesBefore,
} from '../../../src/domain/lifecycle/need-evaluations.js';

const valid = {
  date: '2025-03-03',
  summary: 'Behöver stöd även nattetid.\r\nFöreslår ny behovsbedömning.',
  by: { name: ' Karin Öberg ', title: 'Kontaktman' },
};

const paths = (input: unknown) => {
  const result = needEvaluationSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `/${issue.path.join('/')}`);
};

describe('routine 003: "Kontaktman utvärderar eventuellt förändrat behov utifrån genomförandeplan" — what an evaluation holds', () => {
  it('is a date, a multi-line summary and the kontaktman by name and title; line ends normalised, names trimmed', () => {
    expect(needEvaluationSchema.parse(valid)).toEqual({
      date: '2025-03-03',
      summary: 'Behöver stöd även nattetid.\nFöreslår ny behovsbedömning.',
      by: { name: 'Karin Öberg', title: 'Kontaktman' },
    });
  });

  it('refuses a missing or impossible date, a blank or overlong summary, a missing title, unknown fields', () => {
    expect(paths({ ...valid, date: '2025-02-29' })).toEqual(['/date']);
    expect(paths({ ...valid, summary: ' \n\t' })).toEqual(['/summary']);
    expect(paths({ ...valid, summary: 'x'.repeat(NEED_EVALUATION_SUMMARY_MAX + 1) })).toEqual(['/summary']);
    expect(paths({ ...valid, summary: 'x'.repeat(NEED_EVALUATION_SUMMARY_MAX) })).toEqual([]);
    expect(paths({ ...valid, summary: 'bell \u0007' })).toEqual(['/summary']);
    expect(paths({ ...valid, by: { name: 'Karin Öberg' } })).toEqual(['/by/title']);
    expect(paths({ ...valid, by: { name: 'Karin\nÖberg', title: 'Kontaktman' } })).toEqual(['/by/name']);
    expect(paths({ ...valid, personnummer: '191212121212' })).toEqual(['/']);
    expect(paths({ summary: valid.summary, by: valid.by })).toEqual(['/date']);
  });

  it('is of a need seen: not dated after today', () => {
    expect(needEvaluationDateIssues('2025-03-03', '2025-03-03')).toEqual([]);
    expect(needEvaluationDateIssues('2025-03-04', '2025-03-03')).toEqual([
      { path: '/date', message: 'must not be after today' },
    ]);
  });
});

describe('routine 003: "som delges LSS-handläggare inför ansökan om behovsbedömning" — where it goes', () => {
  it('goes to every submission destination, the same ones a submitted plan goes to', () => {
    expect(needEvaluationTargets(['d1', 'd2'])).toEqual(['d1', 'd2']);
    expect(initialStatus('d1')).toBe('queued');
  });

  it('goes to the pull inbox when the organisation has none, delivered there at once', () => {
    expect(needEvaluationTargets([])).toEqual([null]);
    expect(initialStatus(null)).toBe('delivered');
  });

  it('moves queued → delivered or failed → acknowledged; a failed one may be delivered by a retry, never acknowledged', () => {
    expect(statusesBefore('delivered')).toEqual(['queued', 'failed']);
    expect(statusesBefore('failed')).toEqual(['queued']);
    expect(statusesBefore('acknowledged')).toEqual(['queued', 'delivered']);
  });

  it('is sent as a plan.need_evaluation webhook whose job carries ids only', () => {
    expect(JOBS['need_evaluation.deliver']).toMatchObject({
      queue: 'submissions',
      event: 'plan.need_evaluation',
    });
    const ids = {
      needEvaluationId: '6f1d8c2e-8a4b-4c1e-9d2f-0a1b2c3d4e5f',
      planId: '7f1d8c2e-8a4b-4c1e-9d2f-0a1b2c3d4e5f',
      destinationId: '8f1d8c2e-8a4b-4c1e-9d2f-0a1b2c3d4e5f',
      version: 2,
    };
    expect(parseJob('need_evaluation.deliver', ids).data).toEqual(ids);
    expect(() => parseJob('need_evaluation.deliver', { ...ids, summary: 'text' })).toThrow(/invalid payload/);
    expect(
      NeedEvaluationEvent.safeParse({
        type: 'plan.need_evaluation',
        planId: ids.planId,
        version: 2,
        evaluation: {
          id: ids.needEvaluationId,
          date: '2025-03-03',
          summary: 's',
          by: { name: 'K', title: 'T' },
        },
      }).success,
    ).toBe(true);
  });
});
