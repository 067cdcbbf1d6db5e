/**
 * Canonical plan → Pulsen Combine JSON: UTF-8, two-space indent, keys in the order of
 * `format.ts` (the order of the spec's examples), empty optional items left out, absent
 * booleans and mobility never written as false (9.8), all four tick boxes written.
 */
import type { Plan } from '../../src/domain/plan.js';
import { stockholmDateTime } from '../../src/domain/stockholm-time.js';
import type { RenderContext, RenderOutcome } from '../types.js';
import { DOCUMENT_FIELDS, DOCUMENT_TYPE, type Field, FORMAT_VERSION, TICK_BOXES } from './format.js';

type Json = string | boolean | Json[] | { [key: string]: Json };

export function renderPulsenCombine(plan: Plan, context: RenderContext): RenderOutcome {
  const metadata: Record<string, string> = {
    dokumenttyp: DOCUMENT_TYPE,
    version: FORMAT_VERSION,
    exporterad: stockholmDateTime(context.now),
  };
  const document = writeObject(DOCUMENT_FIELDS, plan, metadata) ?? {};
  return { ok: true, body: Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8') };
}

/** `source` is the plan, or the list item inside lists (whose `to` paths are relative). */
function writeObject(
  fields: readonly Field[],
  source: unknown,
  metadata: Record<string, string> = {},
): Record<string, Json> | undefined {
  const object: Record<string, Json> = {};
  for (const field of fields) {
    const value = writeField(field, source, metadata);
    if (value !== undefined) object[field.key] = value;
  }
  return Object.keys(object).length > 0 ? object : undefined;
}

function writeField(field: Field, source: unknown, metadata: Record<string, string>): Json | undefined {
  if (field.kind === 'metadata') return metadata[field.key];
  if (field.kind === 'object') return writeObject(field.fields, source);
  const value = valueAt(source, field.to);
  switch (field.kind) {
    case 'text':
      return typeof value === 'string' && value !== '' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'code':
      return Object.entries(field.codes).find(([, code]) => code === value)?.[0];
    case 'tickBoxes':
      if (value === undefined) return undefined;
      return Object.fromEntries(Object.entries(TICK_BOXES).map(([box, code]) => [box, code === value]));
    case 'list': {
      const items = Array.isArray(value)
        ? value.flatMap((item) => writeObject(field.fields, item) ?? [])
        : [];
      return items.length > 0 ? items : undefined;
    }
  }
}

function valueAt(source: unknown, dotted: string): unknown {
  let node = source;
  for (const key of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
