import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskIdentityNumbers } from '../../../src/domain/identity-number.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import type { Plan } from '../../../src/domain/plan.js';
import { planHashes, signedContentHash } from '../../../src/domain/plan-hashes.js';
import { personIndex } from '../../../src/services/plan-content.js';
import { validPlan } from '../../helpers/plans.js';

function parsed(input: unknown): Plan {
  const result = parseCanonicalPlan(input);
  if (!result.ok) throw new Error('invalid test plan');
  return result.plan;
}

describe('the content hash', () => {
  const planContentHash = (plan: Plan) => planHashes(plan).contentHash;
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

describe('planHashes', () => {
  // The hashes stored with every version: computing them another way must not change them,
  // or every stored plan would look changed (and its signatures void) at its next push.
  const STORED = {
    'lss-gruppbostad-elias.json': {
      contentHash: '93683f666c5df3f099b5cd4e7f7ad39784f638d272cc9686922129dcc1902d1a',
      signedContentHash: 'sha256:07c9aa2eb89c59efe1011b516f56ebac7498d5e5bcd9a17a0df2182d05feae37',
    },
    'hemtjanst-astrid.json': {
      contentHash: 'f47fa90bc7b3520b5c2290d31ff14223755452d6b09714fa542142ad712a5e05',
      signedContentHash: 'sha256:8c3506e9767a0abb398ef4a213ec8225892478b6428d427e79ca4f9aa5de0424',
    },
  };

  it.each(Object.entries(STORED))(
    'gives %s the hashes it was stored with, together and one by one',
    (file, hashes) => {
      const plan = parsed(
        JSON.parse(readFileSync(new URL(`../../../examples/canonical/${file}`, import.meta.url), 'utf8')),
      );
      expect(planHashes(plan)).toEqual(hashes);
      expect(signedContentHash(plan)).toBe(hashes.signedContentHash);
    },
  );

  it('leaves signatures and the communicated date out of the signed hash only', () => {
    const base = parsed(validPlan());
    const signedMore = { ...base, signatures: [] };
    const communicated = { ...base, dates: { ...base.dates, communicated: '2025-02-01' } };
    for (const other of [signedMore, communicated]) {
      expect(planHashes(other).signedContentHash).toBe(planHashes(base).signedContentHash);
      expect(planHashes(other).contentHash).not.toBe(planHashes(base).contentHash);
    }
  });
});
