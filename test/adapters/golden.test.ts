import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAdapters, getFormatAdapter } from '../../adapters/index.js';
import { SYSTEMS, type SystemName } from '../../adapters/types.js';
import type { Plan } from '../../src/domain/plan.js';
import { withSortedLists } from '../arbitraries/plan.js';

// Copies of formats/examples, so the tests pass without the shared folder.
const fixtures = join(import.meta.dirname, 'fixtures');
const PLANS = ['hemtjanst-astrid', 'lss-gruppbostad-elias'];
const context = { now: new Date('2025-10-26T01:30:00Z'), documentId: '2f9d0c1e-7a4b-4e8f-9c3d-1b2a3c4d5e6f' };

function parse(system: SystemName, body: Uint8Array): Plan {
  const outcome = formatAdapters[system].parse(body);
  if (!outcome.ok) throw new Error(`${system}: ${JSON.stringify(outcome.issues)}`);
  expect(outcome.warnings).toEqual([]);
  return outcome.plan;
}

function render(system: SystemName, plan: Plan): Buffer {
  const outcome = formatAdapters[system].render(plan, context);
  if (!outcome.ok) throw new Error(`${system}: ${JSON.stringify(outcome.issues)}`);
  return outcome.body;
}

const example = (name: string, system: SystemName) => {
  const extension = formatAdapters[system].fileExtension;
  return readFileSync(join(fixtures, `${name}.${system}.${extension}`));
};
const canonical = (name: string) =>
  JSON.parse(readFileSync(`examples/canonical/${name}.json`, 'utf8')) as Plan;
const pairs = SYSTEMS.flatMap((from) => SYSTEMS.map((to) => [from, to] as const));

describe('the registry', () => {
  it('has one adapter per system, under its own name', () => {
    for (const system of SYSTEMS) expect(getFormatAdapter(system)?.system).toBe(system);
  });

  it.each(['fhir', 'PROCAPITA', '', 'constructor', '__proto__', 'toString'])(
    'knows no system "%s"',
    (name) => {
      expect(getFormatAdapter(name)).toBeUndefined();
    },
  );
});

describe.each(PLANS)('%s', (name) => {
  it.each(SYSTEMS)('the %s example parses to the canonical example, lists in any order', (system) => {
    expect(withSortedLists(parse(system, example(name, system)))).toEqual(withSortedLists(canonical(name)));
  });

  it.each(pairs)('converts from %s to %s and back without loss', (from, to) => {
    const plan = parse(from, example(name, from));
    const converted = parse(to, render(to, plan));
    expect(withSortedLists(converted)).toEqual(withSortedLists(plan));
    expect(withSortedLists(parse(from, render(from, converted)))).toEqual(withSortedLists(plan));
  });

  it.each(SYSTEMS)('renders %s deterministically for a given context', (system) => {
    const plan = canonical(name);
    expect(render(system, plan).equals(render(system, plan))).toBe(true);
  });
});
