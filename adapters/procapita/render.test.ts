import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import { stockholmCompactDateTime } from '../../src/domain/stockholm-time.js';
import type { ParseOutcome } from '../types.js';
import { procapitaAdapter } from './index.js';
import { isStockholmExportTime } from './values.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}.procapita.xml`);

function planOf(outcome: ParseOutcome): Plan {
  if (!outcome.ok) throw new Error(`refused ${outcome.status}: ${JSON.stringify(outcome.issues)}`);
  return outcome.plan;
}
function render(plan: Plan, now = new Date('2025-03-17T13:02:31Z')): Buffer {
  const outcome = procapitaAdapter.render(plan, { now });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.body;
}
const roundTrip = (plan: Plan) => planOf(procapitaAdapter.parse(render(plan)));
const minimal = () => planOf(procapitaAdapter.parse(fixture('minimal')));

describe('golden: the examples', () => {
  it.each([
    ['hemtjanst-astrid', '2025-03-17T13:02:31Z'],
    ['lss-gruppbostad-elias', '2025-02-06T08:41:07Z'],
  ])('%s renders back to the same bytes for its export time', (name, exportedAt) => {
    const original = fixture(name);
    expect(render(planOf(procapitaAdapter.parse(original)), new Date(exportedAt)).equals(original)).toBe(
      true,
    );
  });
  it.each(['hemtjanst-astrid', 'lss-gruppbostad-elias', 'markup', 'unknown-sokord'])(
    '%s: parse → render → parse gives the same plan',
    (name) => {
      const plan = planOf(procapitaAdapter.parse(fixture(name)));
      expect(roundTrip(plan)).toEqual(plan);
    },
  );
  it('is byte-stable for a fixed context', () => {
    const plan = planOf(procapitaAdapter.parse(fixture('hemtjanst-astrid')));
    expect(render(plan).equals(render(plan))).toBe(true);
  });
});

describe('bytes', () => {
  it('writes ISO-8859-1 with CR LF, also inside texts, and references for everything else', () => {
    const plan = minimal();
    plan.interventions[0]!.how = 'Rad 1\nRad 2 – 😀 € Ł\n';
    plan.person.givenName = 'Åsa';
    const body = render(plan);
    const text = body.toString('latin1');
    expect(text.startsWith('<?xml version="1.0" encoding="ISO-8859-1"?>\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(text).toContain('<HUR>Rad 1\r\nRad 2 &#8211; &#128512; &#8364; &#321;\r\n</HUR>');
    expect(body.includes(Buffer.from([0xc5]))).toBe(true); // Å as one Latin-1 byte
    expect(text).not.toContain('CDATA');
    expect(roundTrip(plan)).toEqual(plan);
  });
  it('escapes markup so it survives, including ]]> and quotes in attributes', () => {
    const plan = minimal();
    plan.interventions[0]!.note = 'a < b && c > d ]]> "x" \'y\'';
    plan.plan.unit.name = 'Öst "A" & <B>';
    const text = render(plan).toString('latin1');
    expect(text).toContain('<ANTECKNING>a &lt; b &amp;&amp; c &gt; d ]]&gt; "x" \'y\'</ANTECKNING>');
    expect(text).toContain('NAMN="Öst &quot;A&quot; &amp; &lt;B&gt;"');
    expect(roundTrip(plan)).toEqual(plan);
  });
  it('keeps leading and trailing whitespace and blank lines of free texts', () => {
    const plan = minimal();
    plan.otherInformation = '  indrag\n\n\ttabb  \n';
    expect(roundTrip(plan).otherInformation).toBe('  indrag\n\n\ttabb  \n');
  });
});

describe('content', () => {
  it('writes ÄO for SoL and LSS for LSS, and the export time in Stockholm local time', () => {
    const sol = render(minimal(), new Date('2025-07-01T10:00:00Z')).toString('latin1');
    expect(sol).toContain('<PROCAPITA_EXPORT VERSION="4.2" MODUL="ÄO" EXPORTTID="20250701120000">');
    const lss = planOf(procapitaAdapter.parse(fixture('lss-gruppbostad-elias')));
    expect(render(lss).toString('latin1')).toContain('MODUL="LSS"');
  });
  it('leaves out absent optional items and never turns absence into N or UTAN', () => {
    const text = render(minimal()).toString('latin1');
    for (const absent of [
      'FORFLYTTNING',
      'UPPGIFTER',
      'LARM',
      'KONTAKT ',
      'VICE',
      'FASTSTALLD',
      'SAMTYCKE',
      'SIGNERING',
    ]) {
      expect(text).not.toContain(absent);
    }
  });
  it('writes only the stated half of tri-state groups', () => {
    const plan = { ...minimal(), mobility: { outdoors: 'none' as const }, medicationHelp: false };
    const text = render(plan).toString('latin1');
    expect(text).toContain('<FORFLYTTNING UTOMHUS="UTAN"/>');
    expect(text).toContain('<UPPGIFTER MEDICIN="N"/>');
    expect(roundTrip(plan)).toEqual(plan);
  });
  it('writes several signatures of one role and refusals as EJ_SIGNERAD', () => {
    const plan: Plan = {
      ...minimal(),
      signatures: [
        { role: 'guardian', signed: true, name: 'God Man', date: '2025-03-14', method: 'paper' },
        { role: 'guardian', signed: true, name: 'Förvaltare', date: '2025-03-15', method: 'bankid' },
        { role: 'person', signed: false, reason: 'Vill inte skriva under.\nHar fått planen.' },
      ],
    };
    const text = render(plan).toString('latin1');
    expect(text.match(/<SIGNERING ROLL="STALLFORETRADARE"/g)).toHaveLength(2);
    expect(text).toContain(
      '<EJ_SIGNERAD ROLL="BRUKARE">Vill inte skriva under.\r\nHar fått planen.</EJ_SIGNERAD>',
    );
    expect(roundTrip(plan)).toEqual(plan);
  });
  it('writes otherInformation with former unknown codes under OVRIGT only', () => {
    const plan = planOf(procapitaAdapter.parse(fixture('unknown-sokord')));
    const text = render(plan).toString('latin1');
    expect(text).not.toContain('KOD="HUSDJUR"');
    expect(text).toContain('<SOKORD KOD="OVRIGT">Nyckel hos sonen.\r\n\r\nHUSDJUR: Katten Misse.');
  });
});

describe('export time', () => {
  it.each([
    ['2025-01-15T12:00:00Z', '20250115130000'],
    ['2025-07-15T12:00:00Z', '20250715140000'],
    ['2025-03-30T00:59:59Z', '20250330015959'],
    ['2025-03-30T01:00:00Z', '20250330030000'],
    ['2025-12-31T23:30:00Z', '20260101003000'],
  ])('%s is %s in Stockholm', (instant, local) => {
    expect(stockholmCompactDateTime(new Date(instant))).toBe(local);
  });
  it.each([
    ['20250330023000', false],
    ['20251026023000', true],
    ['20250229120000', false],
    ['20240229235959', true],
    ['20250101240000', false],
    ['2025010112000', false],
  ])('%s exists: %s', (value, exists) => {
    expect(isStockholmExportTime(value)).toBe(exists);
  });
});
