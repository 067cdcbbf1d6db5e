import { describe, expect, it } from 'vitest';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import type { Plan } from '../../../src/domain/plan.js';
import { maskIdentityNumbers } from '../../../src/logger.js';
import { personIndex, planContentHash } from '../../../src/services/plan-content.js';
import { validPlan } from '../../helpers/plans.js';

function parsed(input: unknown): Plan {
  const result = parseCanonicalPlan(input);
  if (!result.ok) throw new Error('invalid test plan');
  return result.plan;
}

describe('planContentHash', () => {
  it('ignores list order and the source plan id, and sees every other change', () => {
    const base = validPlan();
    const reordered = validPlan({ sourcePlanId: 'ANOTHER-ID' });
    reordered.interventions.reverse();
    reordered.signatures.reverse();
    expect(planContentHash(parsed(reordered))).toBe(planContentHash(parsed(base)));

    const changed = validPlan();
    changed.interventions[0]!.how = `${changed.interventions[0]!.how} `;
    expect(planContentHash(parsed(changed))).not.toBe(planContentHash(parsed(base)));
    expect(planContentHash(parsed({ ...base, medicationHelp: false }))).not.toBe(
      planContentHash(parsed(base)),
    );
  });
});

describe('personIndex', () => {
  it('is keyed: the same number under another key gives another index', () => {
    expect(personIndex('a'.repeat(32), '193808149821')).toBe(personIndex('a'.repeat(32), '193808149821'));
    expect(personIndex('a'.repeat(32), '193808149821')).not.toBe(personIndex('b'.repeat(32), '193808149821'));
  });
});

describe('maskIdentityNumbers', () => {
  it('masks 12- and 10-digit forms with and without a dash, not longer digit runs', () => {
    expect(maskIdentityNumbers('a 193808149821 b 19380814-9821 c 380814-9821')).toBe(
      'a [identity number] b [identity number] c [identity number]',
    );
    expect(maskIdentityNumbers('seq 12345678901234567')).toBe('seq 12345678901234567');
  });
});
