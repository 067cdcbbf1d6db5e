/**
 * GENOMFORANDEPLAN → the canonical plan's shape (formats/README.md 5.2–5.4, mapping table 8).
 * Values are passed on as written; `parseCanonicalPlan` trims, prunes and validates them.
 * Procapita-only spellings (codes, J/N, YYYYMMDD) are converted here.
 */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { isBlank } from '../../src/domain/text.js';
import { childPaths, type XmlElement } from '../common/xml-reader.js';
import { BOOLEAN, KEYWORD_PATHS, LAW, METHOD, MOBILITY, ROLE } from './codes.js';
import {
  type ItemContext,
  mapContactPerson,
  mapIntervention,
  mapListItem,
  type PlanDraft,
} from './map-items.js';
import { SourceMap } from './source-map.js';
import { checkElement, PLAN_CHILDREN, PLAN_SPEC, specOf } from './structure.js';
import { present, type ValueReader } from './values.js';

export interface MappedPlan {
  draft: PlanDraft;
  sources: SourceMap;
}

const DATE_ATTRIBUTES = {
  interventionStart: 'INSATSSTART',
  drawnUp: 'UPPRATTAD',
  established: 'FASTSTALLD',
  communicated: 'KOMMUNICERAD',
  nextFollowUp: 'UPPFOLJNING',
} as const;
const PERSON_ATTRIBUTES = { identityNumber: 'PNR', givenName: 'FNAMN', familyName: 'ENAMN' };

/** Maps one plan element; problems go to `values.issues`, unknown keyword codes to `warnings`. */
export function mapPlan(
  plan: XmlElement,
  planPath: string,
  values: ValueReader,
  warnings: FieldIssue[],
): MappedPlan {
  const sources = defaultSources(planPath);
  const attributes = checkElement(plan, planPath, PLAN_SPEC, values.issues);
  const draft: PlanDraft = {
    plan: {
      sourcePlanId: attributes.get('PLANID'),
      law: values.code(attributes.get('LAG'), LAW, `${planPath}/@LAG`),
      municipalityCode: attributes.get('KOMMUN'),
    },
    participation: { otherParticipants: [] },
    interventions: [],
    social: { importantContacts: [] },
    health: {},
    mobility: {},
    consents: [],
    signatures: [],
  };
  const keywords = new Keywords(draft, sources, values, warnings);
  const counts = new Map<string, number>();
  const paths = childPaths(planPath, plan);
  for (const [index, child] of plan.children.entries()) {
    const path = paths[index]!;
    const spec = specOf(child, PLAN_CHILDREN);
    if (!spec) {
      values.report(path, 'is not a known element');
      continue;
    }
    const count = (counts.get(child.localName) ?? 0) + 1;
    counts.set(child.localName, count);
    if (spec.max !== undefined && count > spec.max) {
      values.report(path, 'occurs more than once');
      continue;
    }
    const attrs = checkElement(child, path, spec, values.issues);
    if (child.localName === 'SOKORD') keywords.add(child, path, attrs.get('KOD'));
    else CHILD_MAPPERS[child.localName]!({ element: child, path, attrs, draft, sources, values });
  }
  keywords.finish();
  return { draft, sources };
}

/** How each child of GENOMFORANDEPLAN but SOKORD fills the draft. */
const CHILD_MAPPERS: Readonly<Record<string, (item: ItemContext) => void>> = {
  VERKSAMHET: ({ path, attrs, draft, sources }) => {
    draft.plan.serviceType = { code: attrs.get('KOD'), name: attrs.get('NAMN') };
    sources.element(['plan', 'serviceType'], path, { code: 'KOD', name: 'NAMN' });
  },
  ENHET: ({ path, attrs, draft, sources }) => {
    draft.plan.unit = { id: attrs.get('ENHETSID'), name: attrs.get('NAMN') };
    sources.element(['plan', 'unit'], path, { id: 'ENHETSID', name: 'NAMN' });
  },
  BRUKARE: ({ path, attrs, draft, sources }) => {
    draft.person = {
      identityNumber: attrs.get('PNR'),
      givenName: attrs.get('FNAMN'),
      familyName: attrs.get('ENAMN'),
    };
    sources.element(['person'], path, PERSON_ATTRIBUTES);
  },
  KONTAKTMAN: mapContactPerson,
  DATUM: ({ path, attrs, draft, sources, values }) => {
    draft.dates = Object.fromEntries(
      Object.entries(DATE_ATTRIBUTES).map(([field, name]) => [
        field,
        values.date(attrs.get(name), `${path}/@${name}`),
      ]),
    );
    sources.element(['dates'], path, DATE_ATTRIBUTES);
  },
  DELTAGARE: (item) =>
    mapListItem(item, ['participation', 'otherParticipants'], {
      name: 'NAMN',
      titleOrRelation: 'TITEL_RELATION',
    }),
  INSATS: mapIntervention,
  KONTAKT: (item) =>
    mapListItem(item, ['social', 'importantContacts'], {
      name: 'NAMN',
      relation: 'RELATION',
      phone: 'TELEFON',
      wantsHelpToCall: ['RINGHJALP', BOOLEAN],
    }),
  LARM: ({ path, attrs, draft, sources, values }) => {
    draft.health.alarm = {
      type: attrs.get('TYP'),
      placement: attrs.get('PLACERING'),
      consent: values.code(attrs.get('SAMTYCKE'), BOOLEAN, `${path}/@SAMTYCKE`),
    };
    sources.element(['health', 'alarm'], path, { type: 'TYP', placement: 'PLACERING', consent: 'SAMTYCKE' });
  },
  FORFLYTTNING: ({ path, attrs, draft, sources, values }) => {
    draft.mobility.indoors = values.code(attrs.get('INOMHUS'), MOBILITY, `${path}/@INOMHUS`);
    draft.mobility.outdoors = values.code(attrs.get('UTOMHUS'), MOBILITY, `${path}/@UTOMHUS`);
    sources.element(['mobility'], path, { indoors: 'INOMHUS', outdoors: 'UTOMHUS' });
  },
  UPPGIFTER: ({ path, attrs, draft, sources, values }) => {
    draft.transportService = values.code(attrs.get('FARDTJANST'), BOOLEAN, `${path}/@FARDTJANST`);
    draft.medicationHelp = values.code(attrs.get('MEDICIN'), BOOLEAN, `${path}/@MEDICIN`);
    sources.field(['transportService'], `${path}/@FARDTJANST`);
    sources.field(['medicationHelp'], `${path}/@MEDICIN`);
  },
  SAMTYCKE: (item) =>
    mapListItem(item, ['consents'], { covers: '', given: ['GIVET', BOOLEAN], date: ['DATUM', 'date'] }),
  SIGNERING: (item) =>
    mapListItem(item, ['signatures'], {
      role: ['ROLL', ROLE],
      signed: true,
      name: 'NAMN',
      date: ['DATUM', 'date'],
      method: ['METOD', METHOD],
    }),
  EJ_SIGNERAD: (item) =>
    mapListItem(item, ['signatures'], { role: ['ROLL', ROLE], signed: false, reason: '' }),
};

/** Where required items would be when their element is missing (3.8). */
function defaultSources(planPath: string): SourceMap {
  const sources = new SourceMap(planPath);
  sources.element(['plan'], planPath, { sourcePlanId: 'PLANID', law: 'LAG', municipalityCode: 'KOMMUN' });
  sources.element(['plan', 'serviceType'], `${planPath}/VERKSAMHET`, { code: 'KOD', name: 'NAMN' });
  sources.element(['plan', 'unit'], `${planPath}/ENHET`, { id: 'ENHETSID', name: 'NAMN' });
  sources.element(['person'], `${planPath}/BRUKARE`, PERSON_ATTRIBUTES);
  sources.element(['contactPerson'], `${planPath}/KONTAKTMAN[@TYP='ANSVARIG']`, {
    name: 'NAMN',
    title: 'TITEL',
  });
  sources.element(['dates'], `${planPath}/DATUM`, DATE_ATTRIBUTES);
  sources.field(['interventions'], `${planPath}/INSATS`);
  for (const [code, at] of KEYWORD_PATHS) sources.field(at, keywordPath(planPath, code));
  sources.field(['participation'], keywordPath(planPath, 'DELTAGANDE'));
  return sources;
}

function keywordPath(planPath: string, code: string): string {
  return `${planPath}/SOKORD[@KOD='${code}']`;
}

/** The keyword entries (5.4): known codes once each, unknown codes kept in otherInformation. */
class Keywords {
  private readonly seen = new Set<string>();
  private readonly unknown: string[] = [];
  private otherInformation: string | undefined;

  constructor(
    private readonly draft: PlanDraft,
    private readonly sources: SourceMap,
    private readonly values: ValueReader,
    private readonly warnings: FieldIssue[],
  ) {}

  add(element: XmlElement, path: string, rawCode: string | undefined): void {
    const code = present(rawCode) ?? '';
    const text = element.text;
    if (code === '') {
      if (!isBlank(text)) this.values.report(`${path}/@KOD`, 'is required');
      return;
    }
    const at = KEYWORD_PATHS.get(code);
    if (!at) {
      this.warnings.push({
        path,
        message: `keyword code ${shownCode(code)} is unknown; its text is kept in OVRIGT`,
      });
      if (!isBlank(text)) this.unknown.push(`${code}: ${text}`);
      return;
    }
    if (isBlank(text)) return;
    if (this.seen.has(code)) {
      this.values.report(path, `keyword ${code} occurs more than once`);
      return;
    }
    this.seen.add(code);
    this.sources.field(at, path);
    if (code === 'OVRIGT') this.otherInformation = text;
    else setIn(this.draft, at, text);
  }

  /** otherInformation: OVRIGT, then each unknown entry as `KOD: text`, one blank line between. */
  finish(): void {
    const paragraphs =
      this.otherInformation === undefined ? this.unknown : [this.otherInformation, ...this.unknown];
    if (paragraphs.length > 0) this.draft.otherInformation = paragraphs.join('\n\n');
  }
}

// A code is echoed in a warning unless it could hold an identity number.
function shownCode(code: string): string {
  return /\d{6}/.test(code) ? '(not shown)' : code;
}

function setIn(target: object, at: readonly string[], value: string): void {
  let node = target as Record<string, unknown>;
  for (const key of at.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[at[at.length - 1]!] = value;
}
