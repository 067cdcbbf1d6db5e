import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import { stockholmDateTime } from '../../src/domain/stockholm-time.js';
import { freeTextProblem, isBlank } from '../../src/domain/text.js';
import { lifecareAdapter } from './index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const minimalDocument = readFileSync(join(fixtures, 'minimal-samordningsnummer.lifecare.xml'));
const DOCUMENT_ID = '3d5b7c1e-8a24-4f6b-9c0d-1e2f3a4b5c6d';

function minimalPlan(): Plan {
  const outcome = lifecareAdapter.parse(minimalDocument);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.plan;
}

function render(
  plan: Plan,
  now = new Date('2025-07-01T08:15:00Z'),
  documentId: string | undefined = DOCUMENT_ID,
) {
  const outcome = lifecareAdapter.render(plan, { now, ...(documentId ? { documentId } : {}) });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.body.toString('utf8');
}

function roundTrip(plan: Plan): Plan {
  const outcome = lifecareAdapter.parse(Buffer.from(render(plan), 'utf8'));
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.plan;
}

describe('rendering', () => {
  it('writes a plan with only required items as the minimal fixture, byte for byte', () => {
    expect(render(minimalPlan())).toBe(minimalDocument.toString('utf8'));
  });

  it('leaves absent booleans and mobility out, and writes false and none', () => {
    const absent = render(minimalPlan());
    expect(absent).not.toMatch(/Stodbehov|Fardtjanst|Lakemedelsstod|Forflyttning|false/);
    const stated = render({
      ...minimalPlan(),
      transportService: false,
      medicationHelp: true,
      mobility: { indoors: 'none' },
      social: { importantContacts: [{ name: 'Omar Haddad', relation: 'bror', wantsHelpToCall: false }] },
    });
    expect(stated).toContain(
      [
        '  <Stodbehov>',
        '    <Fardtjanst>false</Fardtjanst>',
        '    <Lakemedelsstod>true</Lakemedelsstod>',
        '    <Forflyttning>',
        '      <Inomhus>UtanHjalpmedel</Inomhus>',
        '    </Forflyttning>',
        '  </Stodbehov>',
      ].join('\n'),
    );
    expect(stated).toContain('<VillHaHjalpAttRinga>false</VillHaHjalpAttRinga>');
    expect(stated).not.toContain('<Utomhus>');
    expect(stated).not.toContain('<Telefon>');
  });

  it('writes a personnummer in Personnummer, with the dash', () => {
    const plan = minimalPlan();
    const xml = render({ ...plan, person: { ...plan.person, identityNumber: '195003109831' } });
    expect(xml).toContain('<Personnummer>19500310-9831</Personnummer>');
    expect(xml).not.toContain('Samordningsnummer');
  });

  it('writes interleaved signatures with the element their kind needs', () => {
    const xml = render({
      ...minimalPlan(),
      signatures: [
        { role: 'person', signed: false, reason: 'Vill läsa med tolk.' },
        { role: 'guardian', signed: true, name: 'Sam Ek', date: '2025-07-02', method: 'bankid' },
      ],
    });
    expect(xml).toMatch(
      /<EjSignerad>\s*<Roll>Brukare<\/Roll>\s*<Orsak>Vill läsa med tolk.<\/Orsak>\s*<\/EjSignerad>/,
    );
    expect(xml).toMatch(
      /<Signering>\s*<Roll>Stallforetradare<\/Roll>[\s\S]*<Metod>BankID<\/Metod>\s*<\/Signering>/,
    );
  });

  it('escapes markup characters so any text stays well-formed, ]]> included', () => {
    const plan = { ...minimalPlan(), otherInformation: 'a & b < c > d ]]> e &amp;' };
    expect(render(plan)).toContain(
      '<OvrigViktigInformation>a &amp; b &lt; c &gt; d ]]&gt; e &amp;amp;</OvrigViktigInformation>',
    );
    expect(roundTrip(plan)).toEqual(plan);
  });

  it('keeps free text exactly: edge spaces and line breaks, blank lines, TAB, combining accents, emoji', () => {
    const approach = '\n  Första raden\tmed TAB.\n\n\nE\u0301va 👋 \n ';
    const plan = { ...minimalPlan(), approach, sipNote: ' x' };
    expect(roundTrip(plan)).toEqual(plan);
  });

  it('round-trips any allowed free text (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '&', '<', '>', ']]>', '&#13;', '<![CDATA[', '"'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const freeText = fc
      .string({ unit, maxLength: 40 })
      // Only characters every format can carry; CR is not kept (it becomes LF).
      .map((s) => Array.from(s, (c) => (c === '\r' || freeTextProblem(c) ? '' : c)).join(''))
      .filter((s) => !isBlank(s));
    const base = minimalPlan();
    fc.assert(
      fc.property(freeText, freeText, (note, reason) => {
        const plan: Plan = {
          ...base,
          interventions: [{ ...base.interventions[0]!, note }],
          signatures: [{ role: 'person', signed: false, reason }],
        };
        expect(roundTrip(plan)).toEqual(plan);
      }),
      { numRuns: 100 },
    );
  });
});

describe('envelope', () => {
  it('writes Skapad as Stockholm time with its offset, winter and summer', () => {
    expect(render(minimalPlan(), new Date('2025-01-15T12:00:00.999Z'))).toContain(
      '<Skapad>2025-01-15T13:00:00+01:00</Skapad>',
    );
    expect(render(minimalPlan(), new Date('2025-07-01T08:15:00Z'))).toContain(
      '<Skapad>2025-07-01T10:15:00+02:00</Skapad>',
    );
  });

  it('gets the offset right around the clock changes', () => {
    expect(stockholmDateTime(new Date('2025-03-30T00:59:59Z'))).toBe('2025-03-30T01:59:59+01:00');
    expect(stockholmDateTime(new Date('2025-03-30T01:00:00Z'))).toBe('2025-03-30T03:00:00+02:00');
    expect(stockholmDateTime(new Date('2025-10-26T00:30:00Z'))).toBe('2025-10-26T02:30:00+02:00');
    expect(stockholmDateTime(new Date('2025-10-26T01:30:00Z'))).toBe('2025-10-26T02:30:00+01:00');
    expect(stockholmDateTime(new Date('2024-12-31T23:30:00Z'))).toBe('2025-01-01T00:30:00+01:00');
  });

  it('writes a fresh UUID when the context has none, and refuses a document id that is not a UUID', () => {
    const ids = [1, 2].map(() => {
      const outcome = lifecareAdapter.render(minimalPlan(), { now: new Date() });
      return outcome.ok
        ? /<DokumentId>([^<]*)<\/DokumentId>/.exec(outcome.body.toString('utf8'))?.[1]
        : undefined;
    });
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(lifecareAdapter.render(minimalPlan(), { now: new Date(), documentId: 'plan-77' })).toEqual({
      ok: false,
      issues: [{ path: '/Genomforandeplan/Dokumentinfo/DokumentId', message: 'must be a UUID' }],
    });
  });

  it('is UTF-8 with LF line ends and the namespace as default', () => {
    const xml = render(minimalPlan());
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Genomforandeplan xmlns="urn:se:lifecare:utforare:genomforandeplan:v2">\n',
      ),
    ).toBe(true);
    expect(xml).not.toContain('\r');
    expect(lifecareAdapter.contentType).toBe('application/xml; charset=utf-8');
  });
});
