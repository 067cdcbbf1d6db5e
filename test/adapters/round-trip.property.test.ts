import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAdapters } from '../../adapters/index.js';
import { pulsenCombineAdapter } from '../../adapters/pulsen-combine/index.js';
import type { FormatAdapter } from '../../adapters/types.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import type { Plan } from '../../src/domain/plan.js';
import { validPlan, withSortedLists } from '../arbitraries/plan.js';

const context = { now: new Date('2025-03-30T01:30:00Z'), documentId: '0b9e7c52-3f4d-4c1a-8e2b-5d6f7a8b9c0d' };
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

/** parse(render(plan)) deep-equals the plan, lists compared without order (3.4). */
function roundTrips(adapter: FormatAdapter) {
  return fc.property(validPlan, (plan) => {
    const rendered = adapter.render(plan, context);
    expect(rendered.ok).toBe(true);
    if (!rendered.ok) return;
    const parsed = adapter.parse(rendered.body);
    expect(parsed).toMatchObject({ ok: true, warnings: [] });
    if (parsed.ok) expect(withSortedLists(parsed.plan)).toEqual(withSortedLists(plan));
  });
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

  it('catches an adapter that loses the edge whitespace of free texts', () => {
    const trimFreeTexts = (plan: Plan): Plan => ({
      ...plan,
      participation: {
        ...plan.participation,
        howPersonTookPart: plan.participation.howPersonTookPart.trim(),
      },
    });
    const lossy: FormatAdapter = {
      ...pulsenCombineAdapter,
      render: (plan, ctx) => pulsenCombineAdapter.render(trimFreeTexts(plan), ctx),
    };
    expect(fc.check(roundTrips(lossy), { numRuns: 100 }).failed).toBe(true);
  });
});

describe.each(Object.values(formatAdapters))('$system', (adapter) => {
  it('parse(render(plan)) is the plan, for random valid plans', () => {
    fc.assert(roundTrips(adapter), { numRuns: NUM_RUNS });
  });
});
