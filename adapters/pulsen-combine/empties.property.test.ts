import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validPlan } from '../../test/arbitraries/plan.js';
import { DOCUMENT_FIELDS, type Field } from './format.js';
import { pulsenCombineAdapter } from './index.js';

type JsonRecord = Record<string, unknown>;
const EMPTIES = [null, '', ' \n\t', {}, [], [null, {}], { zero: null }];

/**
 * Writes "nothing" in every way 3.2 allows: each absent optional key gets null, a blank
 * string, {} or [], lists get blank rows, tick-box objects get no ticked box.
 */
function addEmpties(object: JsonRecord, fields: readonly Field[], choose: () => number): void {
  for (const field of fields) {
    const value = object[field.key];
    if (value === undefined) {
      if (choose() % 2 === 0) continue;
      const empty =
        field.kind === 'tickBoxes' ? { kapp: false, rullstol: null } : EMPTIES[choose() % EMPTIES.length];
      // An empty object may only hold keys of the format, so the invented key is dropped for texts' siblings.
      object[field.key] = JSON.parse(JSON.stringify(empty).replace('"zero"', `"${firstKey(field)}"`));
    } else if (field.kind === 'object') {
      addEmpties(value as JsonRecord, field.fields, choose);
    } else if (field.kind === 'list') {
      const items = value as unknown[];
      for (const item of items) addEmpties(item as JsonRecord, field.fields, choose);
      items.splice(choose() % (items.length + 1), 0, choose() % 2 ? {} : null);
    }
  }
}

function firstKey(field: Field): string {
  return field.kind === 'object' || field.kind === 'list' ? field.fields[0]!.key : 'utanHjalpmedel';
}

describe('Pulsen Combine: empty is absent (3.2)', () => {
  it('parses a rendered plan padded with empties of every kind to the same plan', () => {
    fc.assert(
      fc.property(validPlan, fc.array(fc.nat(), { minLength: 400, maxLength: 400 }), (plan, choices) => {
        let next = 0;
        const choose = () => choices[next++ % choices.length]!;
        const rendered = pulsenCombineAdapter.render(plan, { now: new Date('2025-01-01T00:00:00Z') });
        if (!rendered.ok) throw new Error('render failed');
        const document = JSON.parse(rendered.body.toString('utf8')) as JsonRecord;
        addEmpties(document, DOCUMENT_FIELDS, choose);
        const outcome = pulsenCombineAdapter.parse(Buffer.from(JSON.stringify(document)));
        expect(outcome).toEqual({ ok: true, plan, warnings: [] });
      }),
      { numRuns: 200 },
    );
  });
});
