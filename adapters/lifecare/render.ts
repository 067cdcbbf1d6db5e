/** Canonical plan → Lifecare document (formats/README.md 6): UTF-8, LF, default namespace, order of 6.2. */
import { randomUUID } from 'node:crypto';
import { identityNumberKind, withDash } from '../../src/domain/identity-number.js';
import type { Plan } from '../../src/domain/plan.js';
import { stockholmDateTime } from '../../src/domain/stockholm-time.js';
import type { RenderContext, RenderOutcome } from '../types.js';
import { isUuid } from './envelope.js';
import {
  type CanonicalPath,
  type ElementSpec,
  type GroupSpec,
  LIFECARE_NAMESPACE,
  type ListSpec,
  PLAN_SPEC,
  ROOT_NAME,
  type ValueType,
} from './schema.js';

interface Envelope {
  documentId: string;
  created: string;
}

/**
 * Writes one element (and what is inside it) for the canonical object `scope`, as lines ending
 * in LF; '' when the element would be empty (optional items are left out, 3.2).
 */
type ElementWriter = (scope: unknown, envelope: Envelope) => string;

const INDENT = '  ';
const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<${ROOT_NAME} xmlns="${LIFECARE_NAMESPACE}">\n`;
const TAIL = `</${ROOT_NAME}>\n`;

export function renderLifecare(plan: Plan, context: RenderContext): RenderOutcome {
  const documentId = context.documentId ?? randomUUID();
  if (!isUuid(documentId)) {
    return {
      ok: false,
      issues: [{ path: `/${ROOT_NAME}/Dokumentinfo/DokumentId`, message: 'must be a UUID' }],
    };
  }
  const envelope: Envelope = { documentId, created: stockholmDateTime(context.now) };
  return { ok: true, body: Buffer.from(HEAD + writePlanContent(plan, envelope) + TAIL, 'utf8') };
}

// The tree of PLAN_SPEC is turned into writers once: names, indents, paths and code tables are
// looked up here, so rendering a plan only reads values and joins strings.

function compileElement(name: string, spec: ElementSpec, depth: number): ElementWriter {
  const indent = INDENT.repeat(depth);
  switch (spec.kind) {
    case 'leaf': {
      const format = valueFormatter(spec.value);
      const read = reader(spec.to);
      const open = `${indent}<${name}>`;
      const close = `</${name}>\n`;
      return (scope, envelope) => {
        const value = format(read(scope), envelope);
        return value === undefined ? '' : open + escapeText(value) + close;
      };
    }
    case 'group':
      return wrap(name, indent, compileChildren(spec, depth + 1));
    case 'list':
      return wrap(name, indent, compileItems(spec, depth + 1));
  }
}

function compileChildren(spec: GroupSpec, depth: number): ElementWriter {
  const writers = Object.entries(spec.children).map(([name, child]) => compileElement(name, child, depth));
  return (scope, envelope) => {
    let out = '';
    for (const write of writers) out += write(scope, envelope);
    return out;
  };
}

function compileItems(spec: ListSpec, depth: number): ElementWriter {
  const read = reader(spec.to);
  // The element name follows from the item's constant fields (Signering / EjSignerad).
  const kinds = Object.entries(spec.items).map(([name, { fields, constant = {} }]) => ({
    matches: matcher(constant),
    write: compileElement(name, fields, depth),
  }));
  return (scope, envelope) => {
    const items = read(scope);
    if (!Array.isArray(items)) return '';
    let out = '';
    for (const item of items as unknown[]) {
      const kind = kinds.find(({ matches }) => matches(item));
      if (kind) out += kind.write(item, envelope);
    }
    return out;
  };
}

function matcher(constant: Readonly<Record<string, unknown>>): (item: unknown) => boolean {
  const fields = Object.entries(constant).map(([key, value]) => ({ read: reader([key]), value }));
  return (item) => fields.every(({ read, value }) => read(item) === value);
}

/** Start and end tag around what `inner` writes; nothing at all when it writes nothing. */
function wrap(name: string, indent: string, inner: ElementWriter): ElementWriter {
  const open = `${indent}<${name}>\n`;
  const close = `${indent}</${name}>\n`;
  return (scope, envelope) => {
    const content = inner(scope, envelope);
    return content === '' ? '' : open + content + close;
  };
}

function valueFormatter(type: ValueType): (value: unknown, envelope: Envelope) => string | undefined {
  switch (type.kind) {
    case 'metadata': {
      const field = type.field;
      return (_, envelope) => envelope[field];
    }
    case 'text':
    case 'line':
      return (value) => (typeof value === 'string' && value !== '' ? value : undefined);
    case 'boolean':
      // Absent stays absent: never written as false (9.8).
      return (value) => (typeof value === 'boolean' ? String(value) : undefined);
    case 'code': {
      // Neutral code → Lifecare spelling; the first spelling of a code is the one written.
      const native = new Map<unknown, string>();
      for (const [spelling, neutral] of type.table) if (!native.has(neutral)) native.set(neutral, spelling);
      return (value) => native.get(value);
    }
    case 'identity': {
      const accepts = type.accepts;
      return (value) =>
        typeof value === 'string' && identityNumberKind(value) === accepts ? withDash(value) : undefined;
    }
  }
}

/** Reads the value at `path` below a scope: undefined when any step is missing or not an own property. */
function reader(path: CanonicalPath): (scope: unknown) => unknown {
  return (scope) => {
    let current = scope;
    for (const key of path) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

const writePlanContent = compileChildren(PLAN_SPEC, 1);

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const NEEDS_ESCAPE = /[&<>]/;

/** `>` is escaped too, so a text holding `]]>` stays well-formed. Most texts need no escaping. */
function escapeText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[&<>]/g, (c) => ESCAPES[c]!) : value;
}
