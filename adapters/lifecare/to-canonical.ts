/**
 * A read Lifecare element tree → canonical plan. Checks what only the Lifecare structure can
 * tell (namespace, attributes, unknown or repeated elements, text between elements, code and
 * boolean spellings, identity number element) and leaves the value rules to the canonical
 * model, whose issue paths are translated back to element paths.
 */
import { type FieldIssue, jsonPointer } from '../../src/domain/field-issue.js';
import { checkIdentityNumber } from '../../src/domain/identity-number.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import type { Plan } from '../../src/domain/plan.js';
import { isDateTimeWithOffset } from '../../src/domain/stockholm-time.js';
import { isBlank, pruneEmpty, trimSingleLine } from '../../src/domain/text.js';
import { childPaths, type XmlElement } from '../common/xml-reader.js';
import { isUuid } from './envelope.js';
import {
  type CanonicalPath,
  type ElementSpec,
  type GroupSpec,
  type LeafSpec,
  LIFECARE_NAMESPACE,
  type ListSpec,
  PLAN_SPEC,
  ROOT_NAME,
  type ValueType,
} from './schema.js';

export type MappingOutcome = { ok: true; plan: Plan } | { ok: false; issues: FieldIssue[] };

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

type Key = string | number;
type Scope = Record<string, unknown>;
/** Canonical path (JSON Pointer) → the element path it came from, or would have come from. */
type Origins = Map<string, string>;

interface Located {
  element: XmlElement;
  path: string;
}

interface Where {
  element: XmlElement | undefined;
  path: string;
  /** Canonical path of the plan or list item the element's values go into. */
  prefix: readonly Key[];
  scope: Scope;
  origins: Origins;
}

export function lifecareToCanonical(root: XmlElement): MappingOutcome {
  const rootPath = `/${root.localName}`;
  if (root.localName !== ROOT_NAME) return refuse(rootPath, `must be ${ROOT_NAME}`);
  if (root.namespace !== LIFECARE_NAMESPACE)
    return refuse(rootPath, `must be in the namespace ${LIFECARE_NAMESPACE}`);

  const issues: FieldIssue[] = [];
  const origins: Origins = new Map();
  const scope: Scope = {};
  walkGroup(issues, PLAN_SPEC, { element: root, path: rootPath, prefix: [], scope, origins });

  const canonical = parseCanonicalPlan(scope);
  if (canonical.ok && issues.length === 0) return { ok: true, plan: canonical.plan };
  const translated = canonical.ok
    ? []
    : canonical.issues.map((issue) => ({
        path: originOf(origins, issue.path, rootPath),
        message: issue.message,
      }));
  return { ok: false, issues: [...issues, ...withoutRepeats(issues, translated)] };
}

function refuse(path: string, message: string): MappingOutcome {
  return { ok: false, issues: [{ path, message }] };
}

function walk(issues: FieldIssue[], spec: ElementSpec, where: Where): void {
  if (spec.kind === 'leaf') walkLeaf(issues, spec, where);
  else if (spec.kind === 'group') walkGroup(issues, spec, where);
  else walkList(issues, spec, where);
}

function walkGroup(issues: FieldIssue[], spec: GroupSpec, where: Where): void {
  const { element, path } = where;
  const found = new Map<string, Located[]>();
  for (const child of element ? knownChildren(issues, element, path, spec.children) : []) {
    const name = child.element.localName;
    found.set(name, [...(found.get(name) ?? []), child]);
  }
  for (const [name, child] of Object.entries(spec.children)) {
    const [first, ...repeats] = found.get(name) ?? [];
    for (const repeat of repeats) issues.push({ path: repeat.path, message: 'must occur only once' });
    walk(issues, child, { ...where, element: first?.element, path: first?.path ?? `${path}/${name}` });
  }
  if (spec.exactlyOne) {
    const [a, b] = spec.exactlyOne;
    const given = spec.exactlyOne.filter((name) =>
      found.get(name)?.some(({ element: e }) => !isBlank(e.text)),
    );
    if (given.length === 2) issues.push({ path, message: `must hold either ${a} or ${b}, not both` });
    if (given.length === 0) issues.push({ path: `${path}/${a}`, message: `is required (or ${b})` });
  }
}

function walkList(issues: FieldIssue[], spec: ListSpec, where: Where): void {
  const { element, path, prefix, scope, origins } = where;
  const listPath = [...prefix, ...spec.to];
  const firstName = Object.keys(spec.items)[0];
  remember(origins, listPath, `${path}/${firstName}`, false);
  if (!element) return;
  const items: Scope[] = [];
  for (const { element: itemElement, path: itemPath } of knownChildren(issues, element, path, spec.items)) {
    const { fields, constant } = spec.items[itemElement.localName]!;
    const item: Scope = {};
    const itemOrigins: Origins = new Map();
    const itemPrefix = [...listPath, items.length];
    walkGroup(issues, fields, {
      element: itemElement,
      path: itemPath,
      prefix: itemPrefix,
      scope: item,
      origins: itemOrigins,
    });
    // A blank row is dropped here rather than by the canonical model, so indexes stay in step with origins.
    if (pruneEmpty(item) === undefined) continue;
    items.push({ ...item, ...constant });
    remember(origins, itemPrefix, itemPath, true);
    for (const [key, origin] of itemOrigins) origins.set(key, origin);
  }
  if (items.length > 0) setAt(scope, spec.to, items);
}

function walkLeaf(issues: FieldIssue[], spec: LeafSpec, where: Where): void {
  const { element, path, prefix, scope, origins } = where;
  const given = element !== undefined && !isBlank(element.text);
  if (spec.value.kind !== 'metadata') remember(origins, [...prefix, ...spec.to], path, given);
  if (!element) {
    if (spec.value.kind === 'metadata') issues.push({ path, message: 'is required' });
    return;
  }
  checkAttributes(issues, element, path);
  for (const child of located(element, path)) {
    issues.push({ path: child.path, message: 'is not allowed here: the element holds text only' });
  }
  const value = canonicalValue(issues, spec.value, element.text, path);
  if (value !== undefined) setAt(scope, spec.to, value);
}

/** A value for the canonical model. An invalid value is passed on as written, so its item is not taken for blank. */
function canonicalValue(issues: FieldIssue[], type: ValueType, text: string, path: string): unknown {
  if (type.kind === 'text' || type.kind === 'line') return text;
  const value = trimSingleLine(text);
  const problem = (message: string) => {
    issues.push({ path, message });
    return value;
  };
  switch (type.kind) {
    case 'metadata':
      if (value === '') issues.push({ path, message: 'is required' });
      else if (type.field === 'documentId' && !isUuid(value))
        issues.push({ path, message: 'must be a UUID' });
      else if (type.field === 'created' && !isDateTimeWithOffset(value)) {
        issues.push({ path, message: 'must be a date-time with offset, e.g. 2025-03-17T14:02:31+01:00' });
      }
      return undefined;
    case 'boolean':
      if (value === '') return undefined;
      return value === 'true' || value === 'false' ? value === 'true' : problem('must be true or false');
    case 'code':
      if (value === '') return undefined;
      return type.table.get(value) ?? problem(`must be one of ${[...type.table.keys()].join(', ')}`);
    case 'identity': {
      if (value === '') return undefined;
      if (!/^\d{8}-\d{4}$/.test(value)) return problem('must be written YYYYMMDD-NNNC');
      const digits = value.replace('-', '');
      const check = checkIdentityNumber(digits);
      if (check.ok && check.kind !== type.accepts) {
        const other = check.kind === 'samordningsnummer' ? 'Samordningsnummer' : 'Personnummer';
        issues.push({ path, message: `holds a ${check.kind}, which belongs in ${other}` });
      }
      return digits;
    }
  }
}

/** The known element children of a container, in document order; reports text, attributes and unknown or foreign elements. */
function knownChildren(
  issues: FieldIssue[],
  element: XmlElement,
  path: string,
  known: Readonly<Record<string, unknown>>,
): Located[] {
  checkAttributes(issues, element, path);
  if (!isBlank(element.text)) issues.push({ path, message: 'must hold only elements, no text' });
  const accepted: Located[] = [];
  for (const child of located(element, path)) {
    const { localName, namespace } = child.element;
    if (namespace !== LIFECARE_NAMESPACE) {
      issues.push({ path: child.path, message: `is not in the namespace ${LIFECARE_NAMESPACE}` });
    } else if (!Object.hasOwn(known, localName)) {
      issues.push({ path: child.path, message: 'is not a known element here' });
    } else {
      accepted.push(child);
    }
  }
  return accepted;
}

function checkAttributes(issues: FieldIssue[], element: XmlElement, path: string): void {
  for (const attribute of element.attributes) {
    if (attribute.namespace === XML_NAMESPACE || attribute.namespace === XSI_NAMESPACE) continue;
    issues.push({
      path: `${path}/@${attribute.localName}`,
      message: 'is not allowed: Lifecare elements have no attributes',
    });
  }
}

function located(element: XmlElement, path: string): Located[] {
  const paths = childPaths(path, element);
  return element.children.map((child, i) => ({ element: child, path: paths[i]! }));
}

/** A given value's element wins over the would-be path of an absent one (Personnummer | Samordningsnummer). */
function remember(
  origins: Origins,
  canonicalPath: readonly Key[],
  elementPath: string,
  given: boolean,
): void {
  const key = jsonPointer(canonicalPath);
  if (given || !origins.has(key)) origins.set(key, elementPath);
}

function originOf(origins: Origins, canonicalPath: readonly PropertyKey[], rootPath: string): string {
  for (let n = canonicalPath.length; n > 0; n--) {
    const origin = origins.get(jsonPointer(canonicalPath.slice(0, n)));
    if (origin !== undefined) return origin;
  }
  return rootPath;
}

/** Canonical issues at or below an element this module already reported on say the same thing again. */
function withoutRepeats(own: FieldIssue[], translated: FieldIssue[]): FieldIssue[] {
  const reported = own.map((issue) => issue.path);
  const seen = new Set<string>();
  return translated.filter(({ path, message }) => {
    const key = `${path}\n${message}`;
    if (seen.has(key) || reported.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    seen.add(key);
    return true;
  });
}

function setAt(scope: Scope, path: CanonicalPath, value: unknown): void {
  let current = scope;
  for (const key of path.slice(0, -1)) {
    if (!Object.hasOwn(current, key)) current[key] = {};
    current = current[key] as Scope;
  }
  current[path[path.length - 1]!] = value;
}
