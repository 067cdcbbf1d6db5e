import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, type ParseOutcome } from '../types.js';
import { procapitaAdapter } from './index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/formats/examples/', import.meta.url));
const PLAN = '/PROCAPITA_EXPORT/GENOMFORANDEPLAN';
const PNR = '194405129828';

const fixture = (name: string) => readFileSync(`${FIXTURES}${name}.procapita.xml`);
const parse = (bytes: Uint8Array) => procapitaAdapter.parse(bytes);

function accepted(outcome: ParseOutcome) {
  if (!outcome.ok) throw new Error(`refused ${outcome.status}: ${JSON.stringify(outcome.issues)}`);
  return outcome;
}
function refused(outcome: ParseOutcome) {
  if (outcome.ok) throw new Error('accepted');
  return outcome;
}
/** The minimal fixture with a piece of text replaced everywhere, as ISO-8859-1 bytes. */
function minimalWith(find: string, replace: string): Buffer {
  const text = fixture('minimal').toString('latin1');
  if (!text.includes(find)) throw new Error(`fixture lacks ${find}`);
  return Buffer.from(text.replaceAll(find, replace), 'latin1');
}

describe.skipIf(!existsSync(SHARED))('the shared examples', () => {
  it.each(['hemtjanst-astrid', 'lss-gruppbostad-elias'])('%s parses without warnings', (name) => {
    const outcome = accepted(parse(readFileSync(`${SHARED}${name}.procapita.xml`)));
    expect(outcome.warnings).toEqual([]);
  });
});

describe('the examples (own copies)', () => {
  it('reads every item of the home care plan', () => {
    const { plan } = accepted(parse(fixture('hemtjanst-astrid')));
    expect(plan.plan).toEqual({
      sourcePlanId: '100482',
      law: 'SoL',
      serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
      municipalityCode: '1980',
      unit: { id: 'HT-VAST-02', name: 'Hemtjänst Väster, grupp Kyrkbacken' },
    });
    expect(plan.viceContactPerson).toEqual({ name: 'Ahmed Hassan', title: 'Undersköterska' });
    expect(plan.dates).toEqual({
      interventionStart: '2025-03-03',
      drawnUp: '2025-03-12',
      established: '2025-03-14',
      communicated: '2025-03-14',
      nextFollowUp: '2025-09-14',
    });
    expect(plan.interventions).toHaveLength(4);
    expect(plan.interventions[0]!.when).toBe(
      'Morgon kl. 08.00–08.30, tisdag och fredag kl. 08.00–08.45.\nKväll kl. 19.30–19.50.',
    );
    expect(plan.social?.importantContacts[2]).toEqual({
      name: 'Birgit Holm',
      relation: 'granne och väninna',
      wantsHelpToCall: false,
    });
    expect(plan.health?.alarm).toEqual({
      type: 'Trygghetslarm med armband',
      placement: 'Armbandet på höger handled, basenheten i hallen',
      consent: true,
    });
    expect(plan.mobility).toMatchObject({ indoors: 'rollator', outdoors: 'wheelchair' });
    expect([plan.transportService, plan.medicationHelp]).toEqual([true, true]);
    expect(plan.plannerNotification).toMatch(
      /^Morgon- och kvällsbesök.*\nKvällsbesöket ska inte ligga före kl\. 19\.30\.$/s,
    );
    expect(plan.signatures).toContainEqual({
      role: 'unit_manager',
      signed: true,
      name: 'Lena Ek',
      date: '2025-03-17',
      method: 'siths',
    });
  });
  it('reads the LSS plan: refusal to sign, declined consent, mobility without aids', () => {
    const { plan } = accepted(parse(fixture('lss-gruppbostad-elias')));
    expect(plan.plan.law).toBe('LSS');
    expect(plan.interventions[0]!.name).toBe('Bostad med särskild service för vuxna – gruppbostad');
    expect(plan.interventions[0]!.how).toContain('”Stötta/Motivera”');
    expect(plan.signatures.filter((s) => !s.signed)).toEqual([
      { role: 'person', signed: false, reason: expect.stringMatching(/^Elias har gått igenom planen/) },
    ]);
    expect(plan.consents.map((c) => c.given)).toEqual([true, true, false]);
    expect(plan.mobility).toMatchObject({ indoors: 'none', outdoors: 'none' });
    expect(plan.sipNote).toMatch(/^SIP upprättades/);
  });
});

describe('accepted edge cases', () => {
  const minimal = accepted(parse(fixture('minimal'))).plan;

  it('drops every empty form (3.2) and trims single-line values: same plan as without them', () => {
    expect(accepted(parse(fixture('blank-rows')))).toEqual({ ok: true, plan: minimal, warnings: [] });
  });
  it('reads a correctly declared UTF-8 file as the same plan', () => {
    expect(accepted(parse(fixture('utf8-declared'))).plan).toEqual(minimal);
  });
  it('reads a file without an XML declaration as UTF-8 (XML 1.0 appendix F): the same plan', () => {
    const text = fixture('minimal')
      .toString('latin1')
      .replace(/^<\?xml[^>]*\?>\r\n/, '');
    expect(accepted(parse(Buffer.from(text, 'utf8'))).plan).toEqual(minimal);
  });
  it('keeps unknown keyword codes in otherInformation after OVRIGT, with one warning each', () => {
    const { plan, warnings } = accepted(parse(fixture('unknown-sokord')));
    expect(plan.otherInformation).toBe(
      'Nyckel hos sonen.\n\nHUSDJUR: Katten Misse.\n\nBUSS: Åker linje 4.\nSitter längst fram.',
    );
    expect(warnings.map((w) => [w.path, w.message.match(/HUSDJUR|TOMT|BUSS/)?.[0]])).toEqual([
      [`${PLAN}/SOKORD[2]`, 'HUSDJUR'],
      [`${PLAN}/SOKORD[4]`, 'TOMT'],
      [`${PLAN}/SOKORD[5]`, 'BUSS'],
    ]);
  });
  it('stores mojibake as decoded and warns', () => {
    const { plan, warnings } = accepted(parse(fixture('mojibake')));
    expect(plan.person.familyName).toBe('SjÃ¶strÃ¶m');
    expect(warnings).toEqual([{ path: `${PLAN}/BRUKARE/@ENAMN`, message: expect.stringMatching(/UTF-8/) }]);
  });
  it('reads character references, CDATA, comments and PIs; free text is exact', () => {
    const { plan } = accepted(parse(fixture('markup')));
    expect(plan.person.givenName).toBe('Greta ‘Gretel’');
    expect(plan.interventions[0]!.note).toBe('Mer än 5 < 6 & "citat" 😀😀 – klart.');
    expect(plan.otherInformation).toBe('  Indrag behålls.\n\n\tTabb och tom rad ovan.  \n');
  });
  it('ignores xml: and xsi: attributes', () => {
    const bytes = minimalWith(
      '<BRUKARE ',
      '<BRUKARE xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="x" xml:lang="sv" ',
    );
    expect(accepted(parse(bytes)).plan).toEqual(minimal);
  });
  it('accepts any order of the children', () => {
    const text = fixture('minimal').toString('latin1');
    const insats = text.slice(text.indexOf('    <INSATS'), text.indexOf('</INSATS>\r\n') + 11);
    const brukare = text.slice(text.indexOf('    <BRUKARE'), text.indexOf('<KONTAKTMAN') - 4);
    const moved = text
      .replace(insats, '')
      .replace(brukare, '')
      .replace('  </GENOMFORANDEPLAN>', `${insats}${brukare}  </GENOMFORANDEPLAN>`);
    expect(moved.indexOf('<BRUKARE')).toBeGreaterThan(moved.indexOf('<SOKORD'));
    expect(accepted(parse(Buffer.from(moved, 'latin1'))).plan).toEqual(minimal);
  });
  it('keeps false and UTAN as statements, absence as not stated', () => {
    const bytes = minimalWith(
      '  </GENOMFORANDEPLAN>',
      '    <FORFLYTTNING UTOMHUS="UTAN"/>\r\n    <UPPGIFTER MEDICIN="N"/>\r\n  </GENOMFORANDEPLAN>',
    );
    const { plan } = accepted(parse(bytes));
    expect(plan.mobility).toEqual({ outdoors: 'none' });
    expect(plan.medicationHelp).toBe(false);
    expect(plan.transportService).toBeUndefined();
  });
});

describe('refusals name every problem at its element path', () => {
  it.each([
    ['missing-deltagande', [[`${PLAN}/SOKORD[@KOD='DELTAGANDE']`, /required/]]],
    ['duplicate-sokord', [[`${PLAN}/SOKORD[3]`, /MORGON occurs more than once/]]],
    ['duplicate-decision-ids', [[`${PLAN}/INSATS[2]/@BESLUTSID`, /unique/]]],
    ['law-mismatch', [[`${PLAN}/@LAG`, /^must be SOL for service type HEMTJANST$/]]],
    ['unknown-attribute', [[`${PLAN}/BRUKARE/@KON`, /not a known attribute/]]],
    ['text-in-container', [[PLAN, /text outside its elements/]]],
    [
      'many-problems',
      [
        ['/PROCAPITA_EXPORT/@VERSION', /4\.2/],
        [`${PLAN}/DATUM/@INSATSSTART`, /date that exists/],
        [`${PLAN}/SOKORD[2]`, /text only/],
        [`${PLAN}/ANTECKNINGAR`, /not a known element/],
        [`${PLAN}/KONTAKT/@RINGHJALP`, /J, N/],
        [`${PLAN}/BRUKARE/@PNR`, /check digit/],
        [`${PLAN}/DELTAGARE[2]/@TITEL_RELATION`, /required/],
        [`${PLAN}/INSATS[2]/BESTALLT_MAL`, /required/],
      ],
    ],
  ] as const)('%s → 422', (name, expected) => {
    const outcome = refused(parse(fixture(name)));
    expect(outcome.status).toBe(422);
    expect(outcome.issues).toEqual(
      expected.map(([path, message]) => ({ path, message: expect.stringMatching(message) })),
    );
  });

  it.each([
    ['doctype', /DOCTYPE/],
    ['truncated', /not well-formed/],
    ['windows-1252', /encoding/],
  ])('%s → 400', (name, message) => {
    expect(refused(parse(fixture(name)))).toMatchObject({ status: 400, issues: [{ path: '', message }] });
  });

  it('refuses ISO-8859-1 bytes without an XML declaration (400 naming UTF-8), never reads them as Latin-1', () => {
    const undeclared = minimalWith('<?xml version="1.0" encoding="ISO-8859-1"?>\r\n', '');
    expect(refused(parse(undeclared))).toMatchObject({
      status: 400,
      issues: [{ path: '', message: expect.stringMatching(/declares no encoding.*UTF-8/) }],
    });
    const withoutEncoding = minimalWith(' encoding="ISO-8859-1"', '');
    expect(refused(parse(withoutEncoding)).status).toBe(400);
  });

  it('refuses more than 10 MiB with 413', () => {
    const padding = Buffer.alloc(MAX_DOCUMENT_BYTES, 0x20);
    const bytes = Buffer.concat([fixture('minimal'), padding]);
    expect(refused(parse(bytes)).status).toBe(413);
  });

  it.each([
    ['wrong root', 'PROCAPITA_EXPORT', 'EXPORT', '/EXPORT'],
    ['bad MODUL', 'MODUL="ÄO"', 'MODUL="AO"', '/PROCAPITA_EXPORT/@MODUL'],
    [
      'EXPORTTID in the skipped DST hour',
      'EXPORTTID="20250317140231"',
      'EXPORTTID="20250330023000"',
      '/PROCAPITA_EXPORT/@EXPORTTID',
    ],
    [
      'EXPORTTID not a date',
      'EXPORTTID="20250317140231"',
      'EXPORTTID="20250229120000"',
      '/PROCAPITA_EXPORT/@EXPORTTID',
    ],
    ['second plan', '</PROCAPITA_EXPORT>', '<GENOMFORANDEPLAN/></PROCAPITA_EXPORT>', `${PLAN}[2]`],
    ['unknown LAG', 'LAG="SOL"', 'LAG="SoL"', `${PLAN}/@LAG`],
    [
      'content in an empty element',
      '<ENHET ENHETSID="HT-OST-01" NAMN="Hemtjänst Öst"/>',
      '<ENHET ENHETSID="HT-OST-01" NAMN="Hemtjänst Öst">x</ENHET>',
      `${PLAN}/ENHET`,
    ],
    [
      'second VERKSAMHET',
      '<ENHET ',
      '<VERKSAMHET KOD="HEMTJANST" NAMN="x"/><ENHET ',
      `${PLAN}/VERKSAMHET[2]`,
    ],
    [
      'second ANSVARIG',
      '<DATUM ',
      '<KONTAKTMAN TYP="ANSVARIG" NAMN="A" TITEL="B"/><DATUM ',
      `${PLAN}/KONTAKTMAN[2]`,
    ],
    ['missing ANSVARIG', 'TYP="ANSVARIG"', 'TYP="VICE"', `${PLAN}/KONTAKTMAN[@TYP='ANSVARIG']`],
    ['unknown TYP', 'TYP="ANSVARIG"', 'TYP="CHEF"', `${PLAN}/KONTAKTMAN/@TYP`],
    ['element from a namespace', '<ENHET ', '<x:ENHET xmlns:x="urn:x" ', `${PLAN}/ENHET`],
    ['unknown INSATS child', '<HUR>', '<VEM>x</VEM><HUR>', `${PLAN}/INSATS/VEM`],
    [
      'SOKORD without KOD',
      '<SOKORD KOD="DELTAGANDE">',
      '<SOKORD>x</SOKORD><SOKORD KOD="DELTAGANDE">',
      `${PLAN}/SOKORD[1]/@KOD`,
    ],
  ])('%s → 422 at its path', (_, find, replace, path) => {
    const outcome = refused(parse(minimalWith(find, replace)));
    expect(outcome.status).toBe(422);
    expect(outcome.issues.map((issue) => issue.path)).toContain(path);
  });

  it('reports a plan without interventions at the path INSATS would have', () => {
    const text = fixture('minimal').toString('latin1');
    const insats = text.slice(text.indexOf('    <INSATS'), text.indexOf('</INSATS>\r\n') + 11);
    const outcome = refused(parse(Buffer.from(text.replace(insats, ''), 'latin1')));
    expect(outcome.issues).toEqual([{ path: `${PLAN}/INSATS`, message: 'is required' }]);
  });

  it('never puts the identity number in a message', () => {
    for (const bytes of [
      fixture('many-problems'),
      minimalWith(PNR, '1944051298'),
      minimalWith(PNR, `${PNR}X`),
    ]) {
      const outcome = refused(parse(bytes));
      expect(JSON.stringify(outcome.issues)).not.toMatch(/19440512/);
    }
  });
  it('does not echo an unknown keyword code that could be an identity number', () => {
    const { warnings } = accepted(
      parse(minimalWith('  </GENOMFORANDEPLAN>', `<SOKORD KOD="${PNR}">x</SOKORD></GENOMFORANDEPLAN>`)),
    );
    expect(JSON.stringify(warnings)).not.toContain(PNR);
  });
});
