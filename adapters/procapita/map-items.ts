/**
 * Repeated and typed elements of GENOMFORANDEPLAN → canonical list items. A blank row (every
 * value empty, 3.2) is dropped here, before it gets an index, so that the index of each kept
 * item points at the element it came from.
 */
import { isBlank } from '../../src/domain/text.js';
import { childPaths, type XmlElement } from '../common/xml-reader.js';
import { INTERVENTION_TEXTS } from './codes.js';
import type { SourceMap } from './source-map.js';
import { checkElement, INSATS_CHILDREN, specOf } from './structure.js';
import { present, type ValueReader } from './values.js';

type Draft = Record<string, unknown>;

/** The canonical plan under construction; `parseCanonicalPlan` checks it. */
export interface PlanDraft {
  plan: Draft;
  person?: Draft;
  contactPerson?: Draft;
  viceContactPerson?: Draft;
  dates?: Draft;
  participation: { otherParticipants: Draft[] } & Draft;
  interventions: Draft[];
  social: { importantContacts: Draft[] } & Draft;
  health: Draft;
  mobility: Draft;
  transportService?: boolean;
  medicationHelp?: boolean;
  otherInformation?: string;
  consents: Draft[];
  signatures: Draft[];
  [item: string]: unknown;
}

/** One element being mapped, with its checked attributes. */
export interface ItemContext {
  element: XmlElement;
  path: string;
  attrs: Map<string, string>;
  draft: PlanDraft;
  sources: SourceMap;
  values: ValueReader;
}

/**
 * Where a field of a list item comes from: an attribute (as written), `''` for the element's
 * text, `[attribute, table]` for a code, `[attribute, 'date']` for a date, or a constant.
 */
export type FieldSource = string | boolean | readonly [string, Readonly<Record<string, unknown>> | 'date'];

export function mapListItem(
  { element, path, attrs, draft, sources, values }: ItemContext,
  list: readonly [string] | readonly [string, string],
  fields: Readonly<Record<string, FieldSource>>,
): void {
  const item: Draft = {};
  const attributes: Record<string, string> = {};
  let blank = true;
  for (const [field, source] of Object.entries(fields)) {
    if (typeof source === 'boolean') {
      item[field] = source;
    } else if (source === '') {
      item[field] = element.text;
      blank &&= isBlank(element.text);
    } else {
      const [name, kind] = typeof source === 'string' ? [source, undefined] : source;
      const raw = attrs.get(name);
      attributes[field] = name;
      blank &&= present(raw) === undefined;
      const at = `${path}/@${name}`;
      item[field] =
        kind === undefined ? raw : kind === 'date' ? values.date(raw, at) : values.code(raw, kind, at);
    }
  }
  if (blank) return;
  const items = list.reduce<Draft>((node, key) => node[key] as Draft, draft) as unknown as Draft[];
  const at = [...list, items.length];
  items.push(item);
  sources.element(at, path, attributes);
  for (const [field, source] of Object.entries(fields))
    if (source === '') sources.field([...at, field], path);
}

const CONTACT_FIELDS = { name: 'NAMN', title: 'TITEL' };

/** KONTAKTMAN: exactly one ANSVARIG, at most one VICE; a VICE without name and title is absent. */
export function mapContactPerson({ path, attrs, draft, sources, values }: ItemContext): void {
  const type = present(attrs.get('TYP'));
  const person = { name: attrs.get('NAMN'), title: attrs.get('TITEL') };
  const blank = present(person.name) === undefined && present(person.title) === undefined;
  if (type === undefined) {
    if (!blank) values.report(`${path}/@TYP`, 'is required');
    return;
  }
  if (type === 'ANSVARIG') {
    if (draft.contactPerson) {
      values.report(path, 'only one KONTAKTMAN may have TYP ANSVARIG');
    } else {
      draft.contactPerson = person;
      sources.element(['contactPerson'], path, CONTACT_FIELDS);
    }
  } else if (type === 'VICE') {
    if (blank) return;
    if (draft.viceContactPerson) {
      values.report(path, 'only one KONTAKTMAN may have TYP VICE');
    } else {
      draft.viceContactPerson = person;
      sources.element(['viceContactPerson'], path, CONTACT_FIELDS);
    }
  } else {
    values.report(`${path}/@TYP`, 'must be one of ANSVARIG, VICE');
  }
}

const TEXT_FIELDS: ReadonlyMap<string, string> = new Map(INTERVENTION_TEXTS);
const INTERVENTION_ATTRIBUTES = { decisionId: 'BESLUTSID', name: 'BENAMNING', legalBasis: 'LAGRUM' };

/** INSATS: attributes plus one text element per goal and part of the implementation. */
export function mapIntervention({ element, path, attrs, draft, sources, values }: ItemContext): void {
  const intervention: Draft = {};
  let blank = true;
  for (const [field, name] of Object.entries(INTERVENTION_ATTRIBUTES)) {
    intervention[field] = attrs.get(name);
    blank &&= present(attrs.get(name)) === undefined;
  }
  const textPaths = new Map<string, string>();
  const paths = childPaths(path, element);
  for (const [index, child] of element.children.entries()) {
    const childPath = paths[index]!;
    const spec = specOf(child, INSATS_CHILDREN);
    const field = TEXT_FIELDS.get(child.localName);
    if (!spec || !field) values.report(childPath, 'is not a known element');
    else if (textPaths.has(field)) values.report(childPath, 'occurs more than once');
    else {
      checkElement(child, childPath, spec, values.issues);
      textPaths.set(field, childPath);
      intervention[field] = child.text;
      blank &&= isBlank(child.text);
    }
  }
  if (blank) return;
  const at = ['interventions', draft.interventions.length];
  draft.interventions.push(intervention);
  sources.element(at, path, INTERVENTION_ATTRIBUTES);
  for (const [name, field] of INTERVENTION_TEXTS) {
    sources.field([...at, field], textPaths.get(field) ?? `${path}/${name}`);
  }
}
