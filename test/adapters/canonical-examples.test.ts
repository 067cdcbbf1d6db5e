import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pulsenCombineAdapter } from '../../adapters/pulsen-combine/index.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';

const PLANS = ['hemtjanst-astrid', 'lss-gruppbostad-elias'];

describe.each(PLANS)('examples/canonical/%s.json', (name) => {
  const text = readFileSync(`examples/canonical/${name}.json`, 'utf8');

  it('is a valid canonical plan, already in its parsed form', () => {
    const result = parseCanonicalPlan(JSON.parse(text));
    expect(result.ok && result.plan).toEqual(JSON.parse(text));
  });

  it('is the plan of the Pulsen Combine example', () => {
    const parsed = pulsenCombineAdapter.parse(
      readFileSync(`adapters/pulsen-combine/fixtures/${name}.pulsen-combine.json`),
    );
    expect(parsed.ok && parsed.plan).toEqual(JSON.parse(text));
  });
});
