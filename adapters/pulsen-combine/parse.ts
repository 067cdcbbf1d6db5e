/** Pulsen Combine JSON → canonical plan (formats/README.md section 7). */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import { isDateTimeWithOffset } from '../../src/domain/stockholm-time.js';
import { trimSingleLine } from '../../src/domain/text.js';
import type { ParseOutcome } from '../types.js';
import { DOCUMENT_FIELDS, DOCUMENT_TYPE, FORMAT_VERSION } from './format.js';
import { joinInterventions } from './join-interventions.js';
import { type JsonValue, readJson } from './json-reader.js';
import { locate } from './locate.js';
import { type Draft, type MappedDocument, mapDocument } from './map-document.js';

export function parsePulsenCombine(document: Uint8Array): ParseOutcome {
  const read = readJson(document);
  if (!read.ok) return read;
  if (!(read.value instanceof Map)) {
    return { ok: false, status: 422, issues: [{ path: '', message: 'must be a JSON object' }] };
  }

  const mapped = mapDocument(read.value, DOCUMENT_FIELDS);
  const issues = [...mapped.issues, ...metadataIssues(mapped.metadata)];
  const { canonical, lists } = mapped;
  const joined = joinInterventions(lists.officerInterventions, lists.providerInterventions);
  issues.push(...joined.issues);
  canonical.interventions = joined.interventions;
  setList(canonical, ['participation', 'otherParticipants'], lists.otherParticipants.items);
  setList(canonical, ['social', 'importantContacts'], lists.importantContacts.items);
  canonical.consents = lists.consents.items;
  canonical.signatures = lists.signatures.items;
  issues.push(...signatureIssues(mapped));

  const result = parseCanonicalPlan(canonical);
  if (result.ok && issues.length === 0) return { ok: true, plan: result.plan, warnings: [] };
  const origins = {
    otherParticipants: lists.otherParticipants.origins,
    officerInterventions: joined.officerOrigins,
    providerInterventions: joined.providerOrigins,
    importantContacts: lists.importantContacts.origins,
    consents: lists.consents.origins,
    signatures: lists.signatures.origins,
  };
  const modelIssues = result.ok
    ? []
    : result.issues.map((issue) => ({ path: locate(issue.path, origins), message: issue.message }));
  return { ok: false, status: 422, issues: [...issues, ...unseen(modelIssues, issues)] };
}

function setList(canonical: Draft, [group, key]: [string, string], items: Draft[]): void {
  if (items.length === 0) return;
  canonical[group] ??= {};
  (canonical[group] as Draft)[key] = items;
}

function metadataIssues(metadata: Map<string, JsonValue>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const check = (key: string, valid: (value: string) => boolean, message: string) => {
    const value = metadata.get(key);
    if (value === undefined) return; // missing: reported while mapping
    if (typeof value !== 'string') issues.push({ path: `/${key}`, message: 'must be a string' });
    else if (!valid(trimSingleLine(value))) issues.push({ path: `/${key}`, message });
  };
  check('dokumenttyp', (v) => v === DOCUMENT_TYPE, `must be "${DOCUMENT_TYPE}"`);
  check(
    'version',
    (v) => v === FORMAT_VERSION,
    `must be "${FORMAT_VERSION}", the format version this receiver reads`,
  );
  check(
    'exporterad',
    isDateTimeWithOffset,
    'must be a date-time with an offset, e.g. 2025-03-17T14:02:31+01:00',
  );
  return issues;
}

/**
 * 7.2: a signed entry has namn, datum and metod and no orsak; an unsigned one has orsak
 * only. Forbidden keys are reported and removed, so the model does not report them again.
 */
function signatureIssues({ lists }: MappedDocument): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const keys = { name: 'namn', date: 'datum', method: 'metod', reason: 'orsak' } as const;
  const signedFields = ['name', 'date', 'method'] as const;
  lists.signatures.items.forEach((item, k) => {
    if (typeof item.signed !== 'boolean') return;
    const at = `/underskrifter/${lists.signatures.origins[k]}`;
    const required = item.signed ? signedFields : (['reason'] as const);
    const forbidden = item.signed ? (['reason'] as const) : signedFields;
    for (const field of required) {
      if (item[field] === undefined) issues.push({ path: `${at}/${keys[field]}`, message: 'is required' });
    }
    for (const field of forbidden) {
      if (item[field] === undefined) continue;
      delete item[field];
      issues.push({
        path: `${at}/${keys[field]}`,
        message: `must not be given when underskriven is ${item.signed}`,
      });
    }
  });
  return issues;
}

/** Model issues at or under (or above) a path the adapter already reported would only repeat it. */
function unseen(modelIssues: FieldIssue[], adapterIssues: FieldIssue[]): FieldIssue[] {
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  const result: FieldIssue[] = [];
  for (const issue of modelIssues) {
    if (adapterIssues.some((seen) => related(issue.path, seen.path))) continue;
    if (result.some((kept) => kept.path === issue.path && kept.message === issue.message)) continue;
    result.push(issue);
  }
  return result;
}
