import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../../src/domain/calendar-date.js';
import { checkIdentityNumber, luhnCheckDigit } from '../../../src/domain/identity-number.js';
import { parseCanonicalPlan, toFieldIssues } from '../../../src/domain/parse-plan.js';
import { testIdentityNumber, validPlan } from '../../helpers/plans.js';

function issuesOf(input: unknown) {
  const result = parseCanonicalPlan(input);
  if (result.ok) throw new Error('expected the plan to be refused');
  return toFieldIssues(result.issues);
}

describe('identity numbers (formats 3.3)', () => {
  it('computes the check digit over YYMMDDNNN, leaving the century out', () => {
    expect(luhnCheckDigit('640823323')).toBe(4);
    // The same YYMMDDNNN in another century has the same check digit.
    const a = testIdentityNumber('19380814', 982);
    const b = testIdentityNumber('20380814', 982);
    expect(a.at(-1)).toBe(b.at(-1));
    expect(checkIdentityNumber(a)).toEqual({ ok: true, kind: 'personnummer' });
    expect(checkIdentityNumber(b)).toEqual({ ok: true, kind: 'personnummer' });
  });

  it('accepts 29 February of a leap year and refuses it in other years', () => {
    expect(checkIdentityNumber(testIdentityNumber('19440229', 990))).toEqual({
      ok: true,
      kind: 'personnummer',
    });
    expect(checkIdentityNumber(testIdentityNumber('19430229', 990))).toEqual({ ok: false, reason: 'date' });
  });

  it('reads a day above 60 as a samordningsnummer, valid when day − 60 exists', () => {
    expect(checkIdentityNumber(testIdentityNumber('19380874', 985))).toEqual({
      ok: true,
      kind: 'samordningsnummer',
    });
    expect(checkIdentityNumber(testIdentityNumber('19440289', 985))).toEqual({
      ok: true,
      kind: 'samordningsnummer',
    });
    expect(checkIdentityNumber(testIdentityNumber('19430289', 985))).toEqual({ ok: false, reason: 'date' });
    expect(checkIdentityNumber(testIdentityNumber('19380892', 985))).toEqual({ ok: false, reason: 'date' });
  });

  it('refuses a wrong check digit and wrong shapes', () => {
    const valid = testIdentityNumber('19380814', 982);
    const wrong = `${valid.slice(0, 11)}${(Number(valid[11]) + 1) % 10}`;
    expect(checkIdentityNumber(wrong)).toEqual({ ok: false, reason: 'check_digit' });
    for (const shape of ['3808149821', '19380814-9821', '1938081498211', '19380814982a']) {
      expect(checkIdentityNumber(shape)).toEqual({ ok: false, reason: 'format' });
    }
  });

  it('names the field and never the value when a plan carries a bad identity number', () => {
    const plan = validPlan();
    const bad = `${plan.person.identityNumber.slice(0, 11)}${(Number(plan.person.identityNumber[11]) + 3) % 10}`;
    plan.person.identityNumber = bad;
    const issues = issuesOf(plan);
    expect(issues).toEqual([{ path: '/person/identityNumber', message: 'has a wrong check digit' }]);
    expect(JSON.stringify(issues)).not.toContain(bad);
  });
});

describe('dates', () => {
  it('accepts only dates that exist, written YYYY-MM-DD', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const d of ['2025-02-29', '2025-13-01', '2025-04-31', '20250101', '2025-1-01']) {
      expect(isCalendarDate(d), d).toBe(false);
    }
    const plan = validPlan();
    plan.dates.nextFollowUp = '2025-06-31';
    expect(issuesOf(plan)).toEqual([{ path: '/dates/nextFollowUp', message: expect.any(String) }]);
  });
});

describe('empty is absent (formats 3.2)', () => {
  it('drops blank optional items, empty groups and all-blank list items', () => {
    const plan = {
      ...validPlan(),
      sipNote: ' \n\t ',
      needs: { meals: '', other: null },
      social: { importantContacts: [{ name: '', relation: '  ' }] },
      consents: [],
      transportService: null,
    };
    const result = parseCanonicalPlan(plan);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.sipNote).toBeUndefined();
    expect(result.plan.needs).toBeUndefined();
    expect(result.plan.social).toBeUndefined();
    expect(result.plan.consents).toEqual([]);
    expect(result.plan.transportService).toBeUndefined();
  });

  it('keeps false and reports a blank required item as missing', () => {
    const plan = validPlan();
    const result = parseCanonicalPlan(plan);
    expect(result.ok && result.plan.transportService).toBe(false);
    plan.contactPerson.name = '   ';
    expect(issuesOf(plan)).toEqual([{ path: '/contactPerson/name', message: 'is required' }]);
  });
});

describe('text rules (formats 3.1)', () => {
  it('trims single-line values and keeps free text exactly, but for line ends', () => {
    const plan = validPlan();
    plan.contactPerson.title = '\t Undersköterska  ';
    plan.approach = '  Första raden\r\nAndra\rTredje  \n\n';
    const result = parseCanonicalPlan(plan);
    if (!result.ok) throw new Error('expected ok');
    expect(result.plan.contactPerson.title).toBe('Undersköterska');
    expect(result.plan.approach).toBe('  Första raden\nAndra\nTredje  \n\n');
  });

  it('refuses line breaks in single-line values, controls in free text and over-long values', () => {
    const plan = validPlan();
    plan.contactPerson.name = 'Karin\nÖberg';
    plan.approach = 'bell \u0007';
    plan.plan.unit.name = 'x'.repeat(201);
    const paths = issuesOf(plan)
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['/approach', '/contactPerson/name', '/plan/unit/name']);
  });

  it('counts characters as code points: 200 emoji fit a single-line value', () => {
    const plan = validPlan();
    plan.plan.unit.name = '😀'.repeat(200);
    expect(parseCanonicalPlan(plan).ok).toBe(true);
  });
});

describe('consistency rules (formats 3.5)', () => {
  it('refuses a service type of another law and duplicate decision ids', () => {
    const plan = validPlan();
    plan.plan.law = 'LSS';
    plan.interventions[1]!.decisionId = plan.interventions[0]!.decisionId;
    const paths = issuesOf(plan)
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['/interventions/1/decisionId', '/plan/law']);
  });

  it('refuses a signature that is both signed and refused', () => {
    const plan = validPlan();
    Object.assign(plan.signatures[0]!, { reason: 'both' });
    expect(issuesOf(plan).map((i) => i.path)).toEqual(['/signatures/0/reason']);
  });
});
