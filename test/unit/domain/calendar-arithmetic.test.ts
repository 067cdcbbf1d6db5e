import { describe, expect, it } from 'vitest';
import { addDays, addMonths, isCalendarDate } from '../../../src/domain/calendar-date.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import { validPlan } from '../../helpers/plans.js';

describe('calendar dates outside the 20th century', () => {
  it('knows leap days of years 0–99, which Date.UTC would read as 1900–1999', () => {
    expect(isCalendarDate('0000-02-29')).toBe(true);
    expect(isCalendarDate('0004-02-29')).toBe(true);
    expect(isCalendarDate('0001-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
  });

  it('adds days and months across year boundaries of small years', () => {
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01');
    expect(addDays('0004-02-28', 1)).toBe('0004-02-29');
    expect(addMonths('0003-08-31', 6)).toBe('0004-02-29');
  });
});

describe('canonical validation reports everything at once', () => {
  it('reports the law/service-type mismatch and duplicate decision ids beside other problems', () => {
    const plan = validPlan();
    plan.plan.law = 'LSS';
    plan.interventions.push({ ...plan.interventions[0]! });
    plan.person.givenName = '';
    const result = parseCanonicalPlan(plan);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path.join('/'));
    expect(paths).toContain('person/givenName');
    expect(paths).toContain('plan/law');
    expect(paths).toContain(`interventions/${plan.interventions.length - 1}/decisionId`);
  });

  it('says a missing code is required rather than listing the allowed values', () => {
    const { law: _omitted, ...withoutLaw } = validPlan().plan;
    const result = parseCanonicalPlan({ ...validPlan(), plan: withoutLaw });
    expect(result.ok ? [] : result.issues).toContainEqual({ path: ['plan', 'law'], message: 'is required' });
  });
});
