/**
 * Joins the officer's and the provider's intervention lists one-to-one by `insatsId`, never
 * by position (formats/README.md 7.3).
 */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { trimSingleLine } from '../../src/domain/text.js';
import type { CollectedList, Draft } from './map-document.js';

export interface JoinedInterventions {
  interventions: Draft[];
  /** Document indexes of each joined intervention's two entries. */
  officerOrigins: number[];
  providerOrigins: number[];
  issues: FieldIssue[];
}

const OFFICER = 'malOchInsatser';
const PROVIDER = 'utforarensMalOchInsatser';

export function joinInterventions(officer: CollectedList, provider: CollectedList): JoinedInterventions {
  const joined: JoinedInterventions = {
    interventions: [],
    officerOrigins: [],
    providerOrigins: [],
    issues: [],
  };
  const officerIds = indexById(officer, OFFICER, joined.issues);
  const providerIds = indexById(provider, PROVIDER, joined.issues);

  for (const [id, k] of officerIds) {
    const p = providerIds.get(id);
    const origin = officer.origins[k]!;
    if (p === undefined) {
      joined.issues.push({
        path: `/${OFFICER}/${origin}`,
        message: `has no entry with the same insatsId in ${PROVIDER}`,
      });
      continue;
    }
    joined.interventions.push({ ...provider.items[p], ...officer.items[k] });
    joined.officerOrigins.push(origin);
    joined.providerOrigins.push(provider.origins[p]!);
  }
  for (const [id, p] of providerIds) {
    if (officerIds.has(id)) continue;
    joined.issues.push({
      path: `/${PROVIDER}/${provider.origins[p]}/insatsId`,
      message: `has no entry with the same insatsId in ${OFFICER}`,
    });
  }
  return joined;
}

/** First entry per id; a repeated id is an issue and the repetition takes no part in the join. */
function indexById(list: CollectedList, name: string, issues: FieldIssue[]): Map<string, number> {
  const ids = new Map<string, number>();
  list.items.forEach((item, k) => {
    // A missing or non-string insatsId was already reported while mapping.
    if (typeof item.decisionId !== 'string') return;
    const id = trimSingleLine(item.decisionId);
    if (ids.has(id)) {
      issues.push({
        path: `/${name}/${list.origins[k]}/insatsId`,
        message: `occurs more than once in ${name}`,
      });
    } else {
      ids.set(id, k);
    }
  });
  return ids;
}
