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

const INDENT = '  ';

export function renderLifecare(plan: Plan, context: RenderContext): RenderOutcome {
  const documentId = context.documentId ?? randomUUID();
  if (!isUuid(documentId)) {
    return {
      ok: false,
      issues: [{ path: `/${ROOT_NAME}/Dokumentinfo/DokumentId`, message: 'must be a UUID' }],
    };
  }
  const envelope: Envelope = { documentId, created: stockholmDateTime(context.now) };
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${ROOT_NAME} xmlns="${LIFECARE_NAMESPACE}">`];
  renderChildren(lines, PLAN_SPEC, plan, envelope, 1);
  lines.push(`</${ROOT_NAME}>`, '');
  return { ok: true, body: Buffer.from(lines.join('\n'), 'utf8') };
}

// The renderers append lines to one array; an element that turns out empty takes its lines
// back out (optional items are left out, 3.2), which spares a throwaway array per element.

/** Appends the lines of one element to `lines`, or none when it would be empty. */
function renderElement(
  lines: string[],
  name: string,
  spec: ElementSpec,
  scope: unknown,
  envelope: Envelope,
  depth: number,
): void {
  const indent = INDENT.repeat(depth);
  switch (spec.kind) {
    case 'leaf': {
      const value = formatValue(spec.value, valueAt(scope, spec.to), envelope);
      if (value !== undefined) lines.push(`${indent}<${name}>${escapeText(value)}</${name}>`);
      break;
    }
    case 'group':
      wrap(lines, name, indent, () => renderChildren(lines, spec, scope, envelope, depth + 1));
      break;
    case 'list':
      wrap(lines, name, indent, () => renderItems(lines, spec, scope, envelope, depth + 1));
      break;
  }
}

function renderChildren(
  lines: string[],
  spec: GroupSpec,
  scope: unknown,
  envelope: Envelope,
  depth: number,
): void {
  for (const [name, child] of Object.entries(spec.children))
    renderElement(lines, name, child, scope, envelope, depth);
}

function renderItems(
  lines: string[],
  spec: ListSpec,
  scope: unknown,
  envelope: Envelope,
  depth: number,
): void {
  const items = valueAt(scope, spec.to);
  if (!Array.isArray(items)) return;
  const kinds = Object.entries(spec.items);
  for (const item of items as unknown[]) {
    // The element name follows from the item's constant fields (Signering / EjSignerad).
    const kind = kinds.find(([, { constant = {} }]) =>
      Object.entries(constant).every(([key, value]) => valueAt(item, [key]) === value),
    );
    if (!kind) continue;
    const [name, { fields }] = kind;
    renderElement(lines, name, fields, item, envelope, depth);
  }
}

/** Start and end tag around what `inner` appends; nothing at all when it appends nothing. */
function wrap(lines: string[], name: string, indent: string, inner: () => void): void {
  const start = lines.length;
  lines.push(`${indent}<${name}>`);
  inner();
  if (lines.length === start + 1) lines.length = start;
  else lines.push(`${indent}</${name}>`);
}

function formatValue(type: ValueType, value: unknown, envelope: Envelope): string | undefined {
  switch (type.kind) {
    case 'metadata':
      return envelope[type.field];
    case 'text':
    case 'line':
      return typeof value === 'string' && value !== '' ? value : undefined;
    case 'boolean':
      // Absent stays absent: never written as false (9.8).
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'code':
      for (const [native, neutral] of type.table) if (neutral === value) return native;
      return undefined;
    case 'identity':
      return typeof value === 'string' && identityNumberKind(value) === type.accepts
        ? withDash(value)
        : undefined;
  }
}

function valueAt(scope: unknown, path: CanonicalPath): unknown {
  let current = scope;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `>` is escaped too, so a text holding `]]>` stays well-formed. One pass over the text. */
function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (c) => ESCAPES[c]!);
}
