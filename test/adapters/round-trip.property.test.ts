import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pulsenCombineAdapter } from '../../adapters/pulsen-combine/index.js';
import type { FormatAdapter } from '../../adapters/types.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import { validPlan, withSortedLists } from '../arbitraries/plan.js';

const context = { now: new Date('2025-03-30T01:30:00Z'), documentId: '0b9e7c52-3f4d-4c1a-8e2b-5d6f7a8b9c0d' };

function roundTrip(adapter: FormatAdapter, plan: Parameters<FormatAdapter['render']>[0]) {
  const rendered = adapter.render(plan, context);
  if (!rendered.ok) return rendered;
  return adapter.parse(rendered.body);
}

describe('the plan arbitrary', () => {
  it('makes plans that are already canonical', () => {
    fc.assert(
      fc.property(validPlan, (plan) => {
        expect(parseCanonicalPlan(JSON.parse(JSON.stringify(plan)))).toEqual({ ok: true, plan });
      }),
      { numRuns: 200 },
    );
  });
});

describe.each([pulsenCombineAdapter])('$system: parse(render(plan)) is the plan', (adapter) => {
  it('for random valid plans', () => {
    fc.assert(
      fc.property(validPlan, (plan) => {
        const outcome = roundTrip(adapter, plan);
        expect(outcome).toMatchObject({ ok: true, warnings: [] });
        if (outcome.ok && 'plan' in outcome)
          expect(withSortedLists(outcome.plan)).toEqual(withSortedLists(plan));
      }),
      { numRuns: 300 },
    );
  });
});
