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
  const body = renderChildren(PLAN_SPEC, plan, envelope, 1);
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${ROOT_NAME} xmlns="${LIFECARE_NAMESPACE}">`,
    ...body,
    `</${ROOT_NAME}>`,
    '',
  ].join('\n');
  return { ok: true, body: Buffer.from(xml, 'utf8') };
}

/** Lines of one element, or none when it would be empty (optional items are left out, 3.2). */
function renderElement(
  name: string,
  spec: ElementSpec,
  scope: unknown,
  envelope: Envelope,
  depth: number,
): string[] {
  const indent = INDENT.repeat(depth);
  switch (spec.kind) {
    case 'leaf': {
      const value = formatValue(spec.value, valueAt(scope, spec.to), envelope);
      return value === undefined ? [] : [`${indent}<${name}>${escapeText(value)}</${name}>`];
    }
    case 'group':
      return wrap(name, renderChildren(spec, scope, envelope, depth + 1), indent);
    case 'list':
      return wrap(name, renderItems(spec, scope, envelope, depth + 1), indent);
  }
}

function renderChildren(spec: GroupSpec, scope: unknown, envelope: Envelope, depth: number): string[] {
  return Object.entries(spec.children).flatMap(([name, child]) =>
    renderElement(name, child, scope, envelope, depth),
  );
}

function renderItems(spec: ListSpec, scope: unknown, envelope: Envelope, depth: number): string[] {
  const items = valueAt(scope, spec.to);
  if (!Array.isArray(items)) return [];
  const kinds = Object.entries(spec.items);
  return items.flatMap((item: unknown) => {
    // The element name follows from the item's constant fields (Signering / EjSignerad).
    const kind = kinds.find(([, { constant = {} }]) =>
      Object.entries(constant).every(([key, value]) => valueAt(item, [key]) === value),
    );
    if (!kind) return [];
    const [name, { fields }] = kind;
    return renderElement(name, fields, item, envelope, depth);
  });
}

function wrap(name: string, inner: string[], indent: string): string[] {
  return inner.length === 0 ? [] : [`${indent}<${name}>`, ...inner, `${indent}</${name}>`];
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

/** `>` is escaped too, so a text holding `]]>` stays well-formed. */
function escapeText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
