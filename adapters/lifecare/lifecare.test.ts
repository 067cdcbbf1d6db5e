import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import type { FormatAdapter } from '../types.js';
import { lifecareAdapter } from './index.js';

const projectRoot = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
const sharedExamples = join(projectRoot, '../shared/formats/examples');
const procapitaAdapterFile = join(projectRoot, 'adapters/procapita/index.ts');

/** The two shared examples with the envelope each was written with (Skapad in UTC). */
const EXAMPLES = [
  {
    name: 'hemtjanst-astrid',
    now: '2025-03-17T13:02:31Z',
    documentId: '6f1c2a9e-3b7d-4c55-9a0e-2d8b41f7c310',
  },
  {
    name: 'lss-gruppbostad-elias',
    now: '2025-02-06T08:41:07Z',
    documentId: '0c7e4b52-91a8-4f3e-b6d2-5a9f0e3c7d18',
  },
];

function bytes(dir: string, file: string): Buffer {
  return readFileSync(join(dir, file));
}

function parsePlan(adapter: FormatAdapter, document: Uint8Array): Plan {
  const outcome = adapter.parse(document);
  if (!outcome.ok) throw new Error(`refused with ${outcome.status}: ${JSON.stringify(outcome.issues)}`);
  expect(outcome.warnings).toEqual([]);
  return outcome.plan;
}

function render(plan: Plan, now: string, documentId?: string): Buffer {
  const outcome = lifecareAdapter.render(plan, { now: new Date(now), ...(documentId ? { documentId } : {}) });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.body;
}

/** Lists carry no order (3.4): sort every array so two formats' plans compare by content. */
function withSortedLists(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withSortedLists).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withSortedLists(item)]));
  }
  return value;
}

describe.skipIf(!existsSync(sharedExamples))('the shared examples', () => {
  it.each(EXAMPLES)('$name parses, and the copy in fixtures/ is identical', ({ name }) => {
    const file = `${name}.lifecare.xml`;
    expect(bytes(fixtures, file).equals(bytes(sharedExamples, file))).toBe(true);
    expect(parsePlan(lifecareAdapter, bytes(sharedExamples, file)).plan.sourcePlanId).not.toBe('');
  });
});

describe('golden: the examples', () => {
  it.each(EXAMPLES)(
    '$name: rendering its plan with its envelope gives the example byte for byte',
    (example) => {
      const document = bytes(fixtures, `${example.name}.lifecare.xml`);
      const rendered = render(parsePlan(lifecareAdapter, document), example.now, example.documentId);
      expect(rendered.toString('utf8')).toBe(document.toString('utf8'));
    },
  );

  it.each(EXAMPLES)('$name: parse → render → parse gives the same plan', ({ name }) => {
    const plan = parsePlan(lifecareAdapter, bytes(fixtures, `${name}.lifecare.xml`));
    expect(parsePlan(lifecareAdapter, render(plan, '2030-01-01T00:00:00Z'))).toEqual(plan);
  });

  it('renders the same bytes for the same plan and context', () => {
    const plan = parsePlan(lifecareAdapter, bytes(fixtures, 'lss-gruppbostad-elias.lifecare.xml'));
    const id = '11111111-2222-4333-8444-555555555555';
    expect(render(plan, '2025-06-01T10:00:00Z', id).equals(render(plan, '2025-06-01T10:00:00Z', id))).toBe(
      true,
    );
  });

  it('reads the Astrid example as the plan it describes', () => {
    const plan = parsePlan(lifecareAdapter, bytes(fixtures, 'hemtjanst-astrid.lifecare.xml'));
    expect(plan.plan).toEqual({
      sourcePlanId: '100482',
      law: 'SoL',
      serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
      municipalityCode: '1980',
      unit: { id: 'HT-VAST-02', name: 'Hemtjänst Väster, grupp Kyrkbacken' },
    });
    expect(plan.person).toEqual({
      identityNumber: '193808149821',
      givenName: 'Astrid',
      familyName: 'Lindqvist',
    });
    expect(plan.interventions.map((i) => i.decisionId)).toEqual([
      'B-2025-0871',
      'B-2025-0872',
      'B-2025-0873',
      'B-2025-0874',
    ]);
    expect(plan.interventions[0]?.when).toBe(
      'Morgon kl. 08.00–08.30, tisdag och fredag kl. 08.00–08.45.\nKväll kl. 19.30–19.50.',
    );
    expect(plan.social?.importantContacts[2]).toEqual({
      name: 'Birgit Holm',
      relation: 'granne och väninna',
      wantsHelpToCall: false,
    });
    expect(plan.mobility).toMatchObject({ indoors: 'rollator', outdoors: 'wheelchair' });
    expect(plan.transportService).toBe(true);
    expect(plan.signatures.map((s) => (s.signed ? `${s.role}:${s.method}` : s.role))).toEqual([
      'person:paper',
      'contact_person:siths',
      'unit_manager:siths',
    ]);
    expect(plan.dates).toEqual({
      interventionStart: '2025-03-03',
      drawnUp: '2025-03-12',
      established: '2025-03-14',
      communicated: '2025-03-14',
      nextFollowUp: '2025-09-14',
    });
  });
});

describe('accepted variants', () => {
  const minimal = () => parsePlan(lifecareAdapter, bytes(fixtures, 'minimal-samordningsnummer.lifecare.xml'));

  it('reads a samordningsnummer into the 12-digit identity number', () => {
    expect(minimal().person.identityNumber).toBe('195003709838');
    expect(minimal().dates.established).toBeUndefined();
  });

  it('reads Skapad with any number of fraction digits, as RFC 3339 allows', () => {
    const text = bytes(fixtures, 'minimal-samordningsnummer.lifecare.xml').toString('utf8');
    const precise = text.replace(
      /<Skapad>[^<]*<\/Skapad>/,
      '<Skapad>2025-07-01T10:15:00.123456789012+02:00</Skapad>',
    );
    expect(precise).not.toBe(text);
    expect(parsePlan(lifecareAdapter, Buffer.from(precise))).toEqual(minimal());
  });

  it('accepts any prefix bound to the namespace and ignores xml: and xsi: attributes', () => {
    expect(parsePlan(lifecareAdapter, bytes(fixtures, 'prefixed-namespace.lifecare.xml'))).toEqual(minimal());
  });

  it('treats empty containers, blank rows and whitespace-only values as absent (3.2)', () => {
    expect(
      parsePlan(lifecareAdapter, bytes(fixtures, 'blank-rows-and-empty-containers.lifecare.xml')),
    ).toEqual(minimal());
  });

  it('accepts any child order, comments, PIs, CDATA and character references, and keeps free text exactly', () => {
    const plan = parsePlan(lifecareAdapter, bytes(fixtures, 'cdata-comments-any-order.lifecare.xml'));
    expect(plan.dailyRhythm).toEqual({
      morning: '  Två mellanslag först.\n\nTom rad ovan,\tTAB här, och en rad till.\n',
      evening: 'Rad ett\nrad två\nrad tre & ]]> kvar',
      night: 'Del ett och del två–slut.',
    });
    expect(plan.signatures).toEqual([
      { role: 'unit_manager', signed: true, name: 'Eva Berg', date: '2025-07-02', method: 'bankid' },
      {
        role: 'person',
        signed: false,
        reason: 'Nadia vill läsa planen med tolk först <nästa vecka> & skriva under då.',
      },
    ]);
    expect(plan.transportService).toBe(false);
    expect(plan.mobility).toEqual({ outdoors: 'cane' });
    // Apart from the items added above, it is the minimal plan (metadata in another spelling is no content).
    const { dailyRhythm: _rhythm, transportService: _transport, mobility: _mobility, ...rest } = plan;
    expect({ ...rest, signatures: [] }).toEqual(minimal());
  });
});

describe.skipIf(!existsSync(procapitaAdapterFile) || !existsSync(sharedExamples))(
  'the same plans in Procapita',
  () => {
    it.each(EXAMPLES)('$name: the Procapita example gives the same canonical plan', async ({ name }) => {
      const modulePath = '../procapita/index.js';
      const exports: Record<string, unknown> = await import(modulePath);
      const procapita = Object.values(exports).find(
        (value): value is FormatAdapter => (value as FormatAdapter | undefined)?.system === 'procapita',
      );
      if (!procapita) throw new Error('adapters/procapita exports no adapter');
      const fromProcapita = parsePlan(procapita, bytes(sharedExamples, `${name}.procapita.xml`));
      const fromLifecare = parsePlan(lifecareAdapter, bytes(fixtures, `${name}.lifecare.xml`));
      // Both examples of a plan share its source plan id, so the whole plan is compared.
      expect(withSortedLists(fromProcapita)).toEqual(withSortedLists(fromLifecare));
    });
  },
);
