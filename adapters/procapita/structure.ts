/**
 * The element tree of a Procapita export (formats/README.md 5.2) and the checks every element
 * gets: known attributes only, empty elements empty, text elements without child elements,
 * containers without stray text. Procapita uses no namespace (5.1).
 */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { isBlank } from '../../src/domain/text.js';
import { attributePath, type XmlAttribute, type XmlElement } from '../common/xml-reader.js';

/** `empty`: attributes only; `text`: attributes and character data; `container`: attributes and elements. */
export type ElementKind = 'empty' | 'text' | 'container';

export interface ElementSpec {
  kind: ElementKind;
  attributes: readonly string[];
  /** At most this many per parent (undefined: any number). */
  max?: number;
}

export const ROOT = 'PROCAPITA_EXPORT';
export const PLAN = 'GENOMFORANDEPLAN';
export const PLAN_PATH = `/${ROOT}/${PLAN}`;

export const ROOT_SPEC: ElementSpec = { kind: 'container', attributes: ['VERSION', 'MODUL', 'EXPORTTID'] };
export const PLAN_SPEC: ElementSpec = { kind: 'container', attributes: ['PLANID', 'LAG', 'KOMMUN'] };

const text: ElementSpec = { kind: 'text', attributes: [], max: 1 };

/** The children of GENOMFORANDEPLAN, in the order renderers write them. */
export const PLAN_CHILDREN: Readonly<Record<string, ElementSpec>> = {
  VERKSAMHET: { kind: 'empty', attributes: ['KOD', 'NAMN'], max: 1 },
  ENHET: { kind: 'empty', attributes: ['ENHETSID', 'NAMN'], max: 1 },
  BRUKARE: { kind: 'empty', attributes: ['PNR', 'FNAMN', 'ENAMN'], max: 1 },
  KONTAKTMAN: { kind: 'empty', attributes: ['TYP', 'NAMN', 'TITEL'] },
  DATUM: {
    kind: 'empty',
    attributes: ['INSATSSTART', 'UPPRATTAD', 'FASTSTALLD', 'KOMMUNICERAD', 'UPPFOLJNING'],
    max: 1,
  },
  DELTAGARE: { kind: 'empty', attributes: ['NAMN', 'TITEL_RELATION'] },
  INSATS: { kind: 'container', attributes: ['BESLUTSID', 'BENAMNING', 'LAGRUM'] },
  SOKORD: { kind: 'text', attributes: ['KOD'] },
  KONTAKT: { kind: 'empty', attributes: ['NAMN', 'RELATION', 'TELEFON', 'RINGHJALP'] },
  LARM: { kind: 'empty', attributes: ['TYP', 'PLACERING', 'SAMTYCKE'], max: 1 },
  FORFLYTTNING: { kind: 'empty', attributes: ['INOMHUS', 'UTOMHUS'], max: 1 },
  UPPGIFTER: { kind: 'empty', attributes: ['FARDTJANST', 'MEDICIN'], max: 1 },
  SAMTYCKE: { kind: 'text', attributes: ['GIVET', 'DATUM'] },
  SIGNERING: { kind: 'empty', attributes: ['ROLL', 'NAMN', 'DATUM', 'METOD'] },
  EJ_SIGNERAD: { kind: 'text', attributes: ['ROLL'] },
};

export const INSATS_CHILDREN: Readonly<Record<string, ElementSpec>> = {
  BESTALLT_MAL: text,
  INDIVIDUELLT_MAL: text,
  PLANERAT_MAL: text,
  OMFATTNING: text,
  NAR: text,
  VAR: text,
  HUR: text,
  ANTECKNING: text,
};

// Attributes in these namespaces are allowed anywhere and carry nothing (3.6).
const IGNORED_NAMESPACES = new Set([
  'http://www.w3.org/XML/1998/namespace',
  'http://www.w3.org/2001/XMLSchema-instance',
]);

/**
 * The element's own attributes by name, after reporting unknown ones; structure problems of
 * its content are added to `issues`. Child elements are checked by the caller, which knows them.
 */
export function checkElement(
  element: XmlElement,
  path: string,
  spec: ElementSpec,
  issues: FieldIssue[],
): Map<string, string> {
  const values = new Map<string, string>();
  for (const attribute of element.attributes) {
    if (IGNORED_NAMESPACES.has(attribute.namespace)) continue;
    if (isKnownAttribute(attribute, spec)) values.set(attribute.localName, attribute.value);
    else issues.push({ path: attributePath(path, attribute.localName), message: 'is not a known attribute' });
  }
  if (spec.kind !== 'text' && !isBlank(element.text)) {
    issues.push({
      path,
      message:
        spec.kind === 'empty'
          ? 'must be empty (its values are attributes)'
          : 'holds text outside its elements',
    });
  }
  if (spec.kind !== 'container' && element.children.length > 0) {
    issues.push({
      path,
      message: spec.kind === 'empty' ? 'must be empty' : 'must hold text only, no elements',
    });
  }
  return values;
}

function isKnownAttribute(attribute: XmlAttribute, spec: ElementSpec): boolean {
  return attribute.namespace === '' && spec.attributes.includes(attribute.localName);
}

/** An element of no namespace whose name is a key of `specs`, or undefined. */
export function specOf(
  element: XmlElement,
  specs: Readonly<Record<string, ElementSpec>>,
): ElementSpec | undefined {
  if (element.namespace !== '' || !Object.hasOwn(specs, element.localName)) return undefined;
  return specs[element.localName];
}
