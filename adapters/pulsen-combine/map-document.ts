/**
 * Walks a Pulsen Combine document along `format.ts`: refuses unknown keys and wrong JSON
 * types, drops empty values (3.2) and writes every carried value, untrimmed, to its
 * canonical place. List items are collected per list with their index in the document, so
 * issues found later can point into the original arrays.
 */
import { type FieldIssue, jsonPointer } from '../../src/domain/field-issue.js';
import { isBlank, trimSingleLine } from '../../src/domain/text.js';
import { type Field, type ListName, TICK_BOXES } from './format.js';
import type { JsonObject, JsonValue } from './json-reader.js';

export type Draft = Record<string, unknown>;
export interface CollectedList {
  items: Draft[];
  /** `origins[k]` is the index in the document's array of `items[k]`. */
  origins: number[];
}

export interface MappedDocument {
  canonical: Draft;
  lists: Record<ListName, CollectedList>;
  metadata: Map<string, JsonValue>;
  issues: FieldIssue[];
}

export function mapDocument(root: JsonObject, fields: readonly Field[]): MappedDocument {
  const mapped: MappedDocument = {
    canonical: {},
    lists: {
      otherParticipants: { items: [], origins: [] },
      officerInterventions: { items: [], origins: [] },
      providerInterventions: { items: [], origins: [] },
      importantContacts: { items: [], origins: [] },
      consents: { items: [], origins: [] },
      signatures: { items: [], origins: [] },
    },
    metadata: new Map(),
    issues: [],
  };
  readObject(mapped, root, fields, [], mapped.canonical);
  return mapped;
}

/** Empty is absent (3.2): null, blank strings, and arrays and objects holding only empty values. */
export function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return isBlank(value);
  if (Array.isArray(value)) return value.every(isEmpty);
  if (value instanceof Map) return [...value.values()].every(isEmpty);
  return false;
}

type Path = (string | number)[];

/** `target` null: the object is empty, so only its keys are checked and nothing is written. */
function readObject(
  mapped: MappedDocument,
  object: JsonObject,
  fields: readonly Field[],
  at: Path,
  target: Draft | null,
) {
  const known = new Map(fields.map((field) => [field.key, field]));
  for (const key of object.keys()) {
    if (!known.has(key)) issue(mapped, [...at, key], 'is not a known key');
  }
  for (const field of fields) {
    const value = object.get(field.key);
    const path = [...at, field.key];
    if (isEmpty(value)) {
      if (target && field.required) issue(mapped, path, 'is required');
      // Any empty value is absent, whatever its JSON type; one of the field's own shape still has its keys checked.
      const shaped =
        field.kind === 'list'
          ? Array.isArray(value)
          : (field.kind === 'object' || field.kind === 'tickBoxes') && value instanceof Map;
      if (shaped) readField(mapped, field, value!, path, null);
    } else {
      readField(mapped, field, value!, path, target);
    }
  }
}

function readField(mapped: MappedDocument, field: Field, value: JsonValue, at: Path, target: Draft | null) {
  switch (field.kind) {
    case 'metadata':
      if (target) mapped.metadata.set(field.key, value);
      return;
    case 'text':
      if (typeof value !== 'string') return issue(mapped, at, 'must be a string');
      if (target) put(target, field.to, value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') return issue(mapped, at, 'must be true or false');
      if (target) put(target, field.to, value);
      return;
    case 'code': {
      if (typeof value !== 'string') return issue(mapped, at, 'must be a string');
      const spelled = trimSingleLine(value);
      const code = Object.hasOwn(field.codes, spelled) ? field.codes[spelled] : undefined;
      if (code === undefined) {
        const allowed = Object.keys(field.codes).map((c) => `"${c}"`);
        return issue(mapped, at, `must be one of ${allowed.join(', ')}`);
      }
      if (target) put(target, field.to, code);
      return;
    }
    case 'tickBoxes':
      return readTickBoxes(mapped, field.to, value, at, target);
    case 'object':
      if (!(value instanceof Map)) return issue(mapped, at, 'must be an object');
      return readObject(mapped, value, field.fields, at, target);
    case 'list':
      if (!Array.isArray(value)) return issue(mapped, at, 'must be an array');
      for (const [index, item] of value.entries()) {
        const path = [...at, index];
        if (item === null || (typeof item === 'string' && isBlank(item))) continue;
        if (!(item instanceof Map)) {
          issue(mapped, path, 'must be an object');
          continue;
        }
        // A blank row ({} or all fields empty) is dropped; its keys are still checked.
        const draft = target && !isEmpty(item) ? {} : null;
        readObject(mapped, item, field.fields, path, draft);
        if (draft) {
          mapped.lists[field.list].items.push(draft);
          mapped.lists[field.list].origins.push(index);
        }
      }
  }
}

/** Four boxes (7.2): exactly one ticked gives the code, none is "not stated", more is an error. */
function readTickBoxes(mapped: MappedDocument, to: string, value: JsonValue, at: Path, target: Draft | null) {
  if (!(value instanceof Map)) return issue(mapped, at, 'must be an object of tick boxes');
  const ticked: string[] = [];
  for (const [box, tick] of value) {
    if (!Object.hasOwn(TICK_BOXES, box)) issue(mapped, [...at, box], 'is not a known key');
    else if (tick !== null && typeof tick !== 'boolean') issue(mapped, [...at, box], 'must be true or false');
    else if (tick === true) ticked.push(box);
  }
  if (ticked.length > 1) return issue(mapped, at, 'has more than one box ticked; at most one may be');
  if (target && ticked[0] !== undefined) put(target, to, TICK_BOXES[ticked[0]]);
}

function put(target: Draft, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Draft;
  }
  node[keys[keys.length - 1]!] = value;
}

function issue(mapped: MappedDocument, at: Path, message: string): void {
  mapped.issues.push({ path: jsonPointer(at), message });
}
