/**
 * The consistency rules of formats/README.md 3.5 that span several fields. They read the
 * input defensively, so they are reported together with every other problem of a document
 * rather than only once the rest is valid.
 */
import { SERVICE_TYPES } from './codes.js';
import { trimSingleLine } from './text.js';

export interface ConsistencyIssue {
  path: PropertyKey[];
  message: string;
}

export function consistencyIssues(input: unknown): ConsistencyIssue[] {
  return [...lawMatchesServiceType(input), ...uniqueDecisionIds(input)];
}

function lawMatchesServiceType(input: unknown): ConsistencyIssue[] {
  const law = text(field(field(input, 'plan'), 'law'));
  const code = text(field(field(field(input, 'plan'), 'serviceType'), 'code'));
  if (law === undefined || code === undefined || !Object.hasOwn(SERVICE_TYPES, code)) return [];
  const expected = SERVICE_TYPES[code as keyof typeof SERVICE_TYPES].law;
  if (law === expected || (law !== 'SoL' && law !== 'LSS')) return [];
  return [{ path: ['plan', 'law'], message: `must be ${expected} for service type ${code}` }];
}

function uniqueDecisionIds(input: unknown): ConsistencyIssue[] {
  const interventions = field(input, 'interventions');
  if (!Array.isArray(interventions)) return [];
  const seen = new Set<string>();
  const issues: ConsistencyIssue[] = [];
  interventions.forEach((intervention, index) => {
    const id = text(field(intervention, 'decisionId'));
    if (id === undefined) return;
    if (seen.has(id)) {
      issues.push({
        path: ['interventions', index, 'decisionId'],
        message: 'must be unique within the plan',
      });
    }
    seen.add(id);
  });
  return issues;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? trimSingleLine(value) : undefined;
}
