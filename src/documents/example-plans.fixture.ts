/**
 * Plans for the FHIR and PDF tests: the two worked examples of formats/README.md section 10,
 * a minimal plan (required items only), a samordningsnummer plan and a very long plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCanonicalPlan } from '../domain/parse-plan.js';
import type { Plan } from '../domain/plan.js';

const CANONICAL_DIR = join(import.meta.dirname, '../../examples/canonical');

export function parsePlanOrThrow(input: unknown): Plan {
  const result = parseCanonicalPlan(input);
  if (!result.ok) throw new Error(`fixture is not a valid plan: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

/** The worked examples by name (`hemtjanst-astrid`, `lss-gruppbostad-elias`). */
export function examplePlans(): Record<string, Plan> {
  const files = readdirSync(CANONICAL_DIR).filter((f) => f.endsWith('.json'));
  return Object.fromEntries(
    files.map((f) => [
      f.replace(/\.json$/, ''),
      parsePlanOrThrow(JSON.parse(readFileSync(join(CANONICAL_DIR, f), 'utf8'))),
    ]),
  );
}

export const minimalPlanInput = {
  plan: {
    sourcePlanId: 'MIN-1',
    law: 'SoL',
    serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
    municipalityCode: '0180',
    unit: { id: 'U1', name: 'Hemtjänst Norr' },
  },
  person: { identityNumber: '196408239819', givenName: 'Test', familyName: 'Testsson' },
  contactPerson: { name: 'Kim Kontakt', title: 'Undersköterska' },
  dates: { interventionStart: '2025-01-01', drawnUp: '2025-01-10', nextFollowUp: '2025-07-10' },
  participation: { howPersonTookPart: 'Deltog i samtalet.' },
  interventions: [
    {
      decisionId: 'D-1',
      name: 'Städning',
      legalBasis: 'SoL 4 kap. 1 §',
      orderedGoal: 'Ett rent hem.',
      individualGoal: 'Jag vill ha det fint.',
      plannedGoal: 'Städat varannan vecka.',
      scope: '60 min varannan vecka',
      when: 'Måndag jämna veckor',
      where: 'Hela lägenheten',
      how: 'Dammsuga och våttorka.',
    },
  ],
};

export const minimalPlan = (): Plan => parsePlanOrThrow(minimalPlanInput);

/** Day 63 = 3 + 60: a samordningsnummer; check digit computed by the Luhn rule. */
export const samordningsnummerPlan = (): Plan =>
  parsePlanOrThrow({
    ...minimalPlanInput,
    person: { ...minimalPlanInput.person, identityNumber: '199001639989' },
  });

/** Free texts at their 100 000-character limit, with an en dash, ”, an emoji and CJK (not in DejaVu Sans). */
export function longPlan(): Plan {
  const paragraph = 'Lång text – med ”citat” och emoji 😀 och 漢字 som fonten saknar. '.repeat(40);
  const long = `${paragraph}\n\n`.repeat(50).slice(0, 100_000);
  const intervention = minimalPlanInput.interventions[0];
  return parsePlanOrThrow({
    ...minimalPlanInput,
    participation: { howPersonTookPart: long },
    interventions: [{ ...intervention, how: long, orderedGoal: long }],
    approach: long,
    otherInformation: 'x'.repeat(100_000), // one word longer than any line
  });
}
