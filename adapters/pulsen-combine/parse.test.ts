import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '../../src/domain/field-issue.js';
import type { Plan } from '../../src/domain/plan.js';
import type { ParseOutcome } from '../types.js';
import { pulsenCombineAdapter } from './index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const shared = '../shared/formats/examples'; // relative to the project root, where vitest runs
const fixture = (name: string) => readFileSync(join(fixtures, `${name}.pulsen-combine.json`));
const parse = (name: string) => pulsenCombineAdapter.parse(fixture(name));
const minimal = () => JSON.parse(fixture('minimal').toString('utf8'));

function planOf(outcome: ParseOutcome): Plan {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.plan;
}

function issuesOf(outcome: ParseOutcome, status = 422): FieldIssue[] {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return [];
  expect(outcome.status).toBe(status);
  return outcome.issues;
}

const paths = (issues: FieldIssue[]) => issues.map((issue) => issue.path).sort();
const sortBy = <T>(items: T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

describe.skipIf(!existsSync(shared))('the shared examples', () => {
  it.each(['hemtjanst-astrid', 'lss-gruppbostad-elias'])(
    '%s parses to the same plan as the fixture',
    (name) => {
      const outcome = pulsenCombineAdapter.parse(readFileSync(join(shared, `${name}.pulsen-combine.json`)));
      expect(outcome).toEqual(parse(name));
    },
  );
});

describe('parsing valid documents', () => {
  it('joins the intervention lists by insatsId, whatever the order of lists and keys', () => {
    const plan = planOf(parse('hemtjanst-astrid'));
    const reordered = planOf(parse('hemtjanst-astrid-reordered'));
    const sorted = (p: Plan) => ({
      ...p,
      interventions: sortBy(p.interventions, (i) => i.decisionId),
      signatures: sortBy(p.signatures, (s) => s.role),
      consents: sortBy(p.consents, (c) => c.covers),
      social: p.social && {
        ...p.social,
        importantContacts: sortBy(p.social.importantContacts, (c) => c.name),
      },
      participation: {
        ...p.participation,
        otherParticipants: sortBy(p.participation.otherParticipants, (c) => c.name),
      },
    });
    expect(sorted(reordered)).toEqual(sorted(plan));
    const cleaning = plan.interventions.find((i) => i.decisionId === 'B-2025-0874');
    expect(cleaning).toMatchObject({ name: 'Städning', when: 'Torsdag jämna veckor kl. 14.15–15.15.' });
  });

  it('reads the minimal plan with its leap-day dates and leaves every optional item out', () => {
    expect(planOf(parse('minimal'))).toEqual({
      plan: {
        sourcePlanId: 'P-1',
        law: 'SoL',
        serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
        municipalityCode: '0180',
        unit: { id: 'E1', name: 'Enheten' },
      },
      person: { identityNumber: '194402299988', givenName: 'Greta', familyName: 'Öst' },
      contactPerson: { name: 'Kim Berg', title: 'Undersköterska' },
      dates: { interventionStart: '2024-02-29', drawnUp: '2024-03-10', nextFollowUp: '2024-09-10' },
      participation: { howPersonTookPart: 'Greta deltog.', otherParticipants: [] },
      interventions: [
        {
          decisionId: 'B-1',
          name: 'Städning',
          legalBasis: 'SoL 4 kap. 1 §',
          orderedGoal: 'Rent hemma.',
          individualGoal: 'Fint hemma.',
          plannedGoal: 'Städat.',
          scope: 'Varannan vecka.',
          when: 'Torsdag.',
          where: 'Hemma.',
          how: 'Dammsuga.',
        },
      ],
      consents: [],
      signatures: [],
    });
  });

  it('treats null, "", whitespace, {}, [], blank rows and unticked boxes as absent (3.2)', () => {
    expect(planOf(parse('minimal-with-empties'))).toEqual(planOf(parse('minimal')));
  });

  it('treats an empty value of another JSON type as absent too', () => {
    const doc = minimal();
    Object.assign(doc, {
      underskrifter: { roll: null },
      samtycken: {},
      fardtjanst: [],
      dygnsrytm: [null],
      halsa: '',
    });
    doc.planensFramtagande.ovrigaDeltagare = { namn: ' ' };
    expect(planOf(pulsenCombineAdapter.parse(Buffer.from(JSON.stringify(doc))))).toEqual(
      planOf(parse('minimal')),
    );
  });

  it('ignores a byte order mark', () => {
    expect(planOf(parse('bom'))).toEqual(planOf(parse('minimal')));
  });

  it('reads tick boxes: missing boxes are unticked, the one ticked box is the code', () => {
    expect(planOf(parse('tick-boxes-missing-boxes')).mobility).toEqual({ indoors: 'cane', outdoors: 'none' });
  });

  it('reads refusals, and the same role more than once', () => {
    expect(planOf(parse('refusals')).signatures).toEqual([
      { role: 'person', signed: false, reason: 'Greta ville inte skriva under.' },
      { role: 'guardian', signed: false, reason: 'God man var sjuk.' },
      { role: 'guardian', signed: true, name: 'A B', date: '2024-03-12', method: 'bankid' },
    ]);
  });

  it('trims single-line values and keeps free text exactly, CR LF and CR becoming LF', () => {
    const doc = minimal();
    doc.kund.fornamn = ' \t Greta\n';
    doc.planensFramtagande.deltagande = '  Rad 1\r\nRad 2\rRad 3\n\n  ';
    doc.ansvarig.titel = 'Undersköterska 🙂';
    const plan = planOf(pulsenCombineAdapter.parse(Buffer.from(JSON.stringify(doc))));
    expect(plan.person.givenName).toBe('Greta');
    expect(plan.participation.howPersonTookPart).toBe('  Rad 1\nRad 2\nRad 3\n\n  ');
    expect(plan.contactPerson.title).toBe('Undersköterska 🙂');
  });

  it('reads \\u escapes and raw characters as the same text', () => {
    const escaped = fixture('minimal').toString('utf8').replace('"Öst"', '"\\u00d6st"');
    expect(planOf(pulsenCombineAdapter.parse(Buffer.from(escaped)))).toEqual(planOf(parse('minimal')));
  });
});

describe('refusing unreadable documents (400, 413)', () => {
  it.each([
    ['duplicate-key', '/kund/fornamn'],
    ['depth-33', expect.stringMatching(/^\/halsa\/allergier(\/0){30}$/)],
    ['nan', ''],
    ['invalid-utf8', ''],
    ['truncated', ''],
  ])('%s → 400 at %s', (name, path) => {
    expect(issuesOf(parse(name), 400)).toEqual([{ path, message: expect.any(String) }]);
  });

  it('refuses more than 10 MiB with 413', () => {
    expect(issuesOf(pulsenCombineAdapter.parse(new Uint8Array(10 * 1024 * 1024 + 1)), 413)).toHaveLength(1);
  });
});

describe('refusing invalid documents (422) at pointers into the original document', () => {
  it.each([
    ['provider-entry-without-officer-entry', ['/utforarensMalOchInsatser/1/insatsId']],
    ['officer-entry-without-provider-entry', ['/malOchInsatser/0']],
    ['duplicate-insats-id', ['/malOchInsatser/1/insatsId', '/utforarensMalOchInsatser/1/insatsId']],
    ['tick-boxes-two-ticked', ['/forflyttning/inomhus']],
    ['unknown-keys', ['/extra', '/halsa/blodgrupp']],
    ['proto-key', ['/__proto__']],
    [
      'signatures-inconsistent',
      [
        '/underskrifter/0/namn',
        '/underskrifter/1/orsak',
        '/underskrifter/2/datum',
        '/underskrifter/2/metod',
        '/underskrifter/3/roll',
        '/underskrifter/3/underskriven',
      ],
    ],
    [
      'wrong-types',
      [
        '/enhet',
        '/fardtjanst',
        '/kund/personnummer',
        '/malOchInsatser/0/omfattning',
        '/samtycken/0/datum',
        '/samtycken/0/lamnat',
      ],
    ],
  ])('%s', (name, expected) => {
    expect(paths(issuesOf(parse(name)))).toEqual(expected);
  });

  type Edit = (doc: ReturnType<typeof minimal>) => void;
  it.each<[string, Edit, string[]]>([
    ['a missing required key', (d) => delete d.kund.fornamn, ['/kund/fornamn']],
    [
      'a blank required text',
      (d) => (d.planensFramtagande.deltagande = ' \n'),
      ['/planensFramtagande/deltagande'],
    ],
    ['a missing required group', (d) => delete d.planensFramtagande, ['/planensFramtagande']],
    [
      'every required key missing',
      (d) => {
        for (const key of Object.keys(d)) delete d[key];
      },
      REQUIRED_KEYS,
    ],
    ['a wrong dokumenttyp', (d) => (d.dokumenttyp = 'plan'), ['/dokumenttyp']],
    ['another version', (d) => (d.version = '2.0'), ['/version']],
    ['an export time without offset', (d) => (d.exporterad = '2025-03-17T14:02:31'), ['/exporterad']],
    ['an impossible export time', (d) => (d.exporterad = '2025-02-29T14:02:31Z'), ['/exporterad']],
    ['a law that does not fit the service type', (d) => (d.lagstiftning = 'LSS'), ['/lagstiftning']],
    ['an unknown service type', (d) => (d.verksamhet.kod = 'hemtjanst'), ['/verksamhet/kod']],
    ['a wrong check digit', (d) => (d.kund.personnummer = '194402299981'), ['/kund/personnummer']],
    ['a date that does not exist', (d) => (d.insatsensStartdatum = '2023-02-29'), ['/insatsensStartdatum']],
    ['a municipality code of 3 digits', (d) => (d.kommunkod = '180'), ['/kommunkod']],
    ['a line break in a single-line text', (d) => (d.ansvarig.namn = 'Kim\nBerg'), ['/ansvarig/namn']],
    [
      'a lone surrogate',
      (d) => (d.malOchInsatser[0].bestalltMal = 'x\ud800'),
      ['/malOchInsatser/0/bestalltMal'],
    ],
    [
      'a control character',
      (d) => (d.malOchInsatser[0].bestalltMal = 'x\u0007'),
      ['/malOchInsatser/0/bestalltMal'],
    ],
    ['an over-long name', (d) => (d.kund.efternamn = 'Ö'.repeat(201)), ['/kund/efternamn']],
    ['an alarm without consent', (d) => (d.halsa = { larm: { typ: 'Larm' } }), ['/halsa/larm/samtycke']],
    ['a vice without title', (d) => (d.viceAnsvarig = { namn: 'A' }), ['/viceAnsvarig/titel']],
    ['a string for a list', (d) => (d.samtycken = 'inga'), ['/samtycken']],
    ['a number in a list', (d) => (d.underskrifter = [5]), ['/underskrifter/0']],
    [
      'an unknown tick box',
      (d) => (d.forflyttning = { inomhus: { skateboard: true } }),
      ['/forflyttning/inomhus/skateboard'],
    ],
    ['an unknown key in an empty group', (d) => (d.dygnsrytm = { frukost: null }), ['/dygnsrytm/frukost']],
    [
      'an unknown key in a blank row',
      (d) => (d.samtycken = [{ avser: '', extra: '' }]),
      ['/samtycken/0/extra'],
    ],
    [
      'problems behind dropped blank rows point to the original index',
      (d) => {
        d.planensFramtagande.ovrigaDeltagare = [{}, null, { namn: 'A' }];
        d.malOchInsatser.unshift({}, null);
        d.utforarensMalOchInsatser.unshift({});
        d.utforarensMalOchInsatser[1].nar = '';
        d.malOchInsatser[2].lagrum = 7;
      },
      [
        '/malOchInsatser/2/lagrum',
        '/planensFramtagande/ovrigaDeltagare/2/titelEllerRelation',
        '/utforarensMalOchInsatser/1/nar',
      ],
    ],
    [
      'two interventions, the second one invalid in both lists',
      (d) => {
        d.malOchInsatser.push({ ...d.malOchInsatser[0], insatsId: 'B-2', individuelltMal: '' });
        d.utforarensMalOchInsatser.unshift({ ...d.utforarensMalOchInsatser[0], insatsId: 'B-2', hur: ' ' });
      },
      ['/malOchInsatser/1/individuelltMal', '/utforarensMalOchInsatser/0/hur'],
    ],
    [
      'a duplicate decision id through trimming',
      (d) => {
        d.malOchInsatser.push({ ...d.malOchInsatser[0], insatsId: ' B-1 ' });
        d.utforarensMalOchInsatser.push({ ...d.utforarensMalOchInsatser[0] });
      },
      ['/malOchInsatser/1/insatsId', '/utforarensMalOchInsatser/1/insatsId'],
    ],
  ])('%s', (_, edit, expected) => {
    const doc = minimal();
    edit(doc);
    expect(paths(issuesOf(pulsenCombineAdapter.parse(Buffer.from(JSON.stringify(doc)))))).toEqual(expected);
  });

  it('refuses a document that is not an object', () => {
    expect(issuesOf(pulsenCombineAdapter.parse(Buffer.from('[{"planId": "1"}]')))).toEqual([
      { path: '', message: 'must be a JSON object' },
    ]);
  });

  it('never repeats the identity number in a message', () => {
    const doc = minimal();
    doc.kund.personnummer = '194402299981';
    doc.dokumenttyp = '194402299981';
    const outcome = pulsenCombineAdapter.parse(Buffer.from(JSON.stringify(doc)));
    expect(JSON.stringify(issuesOf(outcome))).not.toContain('1944022999');
  });
});

const REQUIRED_KEYS = [
  '/ansvarig',
  '/dokumenttyp',
  '/enhet',
  '/exporterad',
  '/insatsensStartdatum',
  '/kommunkod',
  '/kund',
  '/lagstiftning',
  '/malOchInsatser',
  '/planId',
  '/planensFramtagande',
  '/utforarensMalOchInsatser',
  '/verksamhet',
  '/version',
];
