/**
 * FHIR R4 export of a canonical plan: a `collection` Bundle of Patient, CarePlan, Goal,
 * ServiceRequest and the people and unit they name.
 *
 * `collection`, not `document`: the resources are meant to be taken apart and stored by the
 * consumer (a CarePlan that follows its Patient), and a document bundle would promise an
 * attested Composition that planbrygga does not make. The attested, human-readable form is
 * the final document PDF.
 */
import type { Plan } from '../../src/domain/plan.js';
import { type CarePlanMeta, carePlan } from './care-plan.js';
import type { EntryIds, FhirResource } from './fhir-types.js';
import { goals, serviceRequest } from './interventions.js';
import { nameBasedUuid } from './name-uuid.js';
import { organizations, patient, planningTeam, staff } from './people.js';
import { PLAN_VERSION_SYSTEM } from './systems.js';

export type { CarePlanMeta, LifecycleStatus } from './care-plan.js';
export { carePlanStatus } from './care-plan.js';

/** Renders one version of a plan; the same plan, id and version always give the same Bundle. */
export function renderFhirBundle(plan: Plan, meta: CarePlanMeta): FhirResource {
  const ids = entryIds(meta.planId, meta.version);
  const draft = meta.lifecycleStatus === 'draft';
  const team = planningTeam(plan, ids);
  const resources: FhirResource[] = [
    carePlan(plan, meta, ids),
    patient(plan, ids),
    ...plan.interventions.flatMap((i) => [serviceRequest(plan, i, ids), ...goals(i, ids, draft)]),
    ...staff(plan, ids),
    ...organizations(plan, ids),
    ...(team ? [team] : []),
  ];
  return {
    resourceType: 'Bundle',
    id: ids.id('Bundle'),
    identifier: { system: PLAN_VERSION_SYSTEM, value: `${meta.planId}/${meta.version}` },
    type: 'collection',
    timestamp: meta.updatedAt.toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}

/** Ids are name-based UUIDs of (plan id, version, resource key). */
function entryIds(planId: string, version: number): EntryIds {
  const id = (key: string) => nameBasedUuid(JSON.stringify([planId, version, key]));
  return {
    id,
    ref: (key, display) => ({
      reference: `urn:uuid:${id(key)}`,
      ...(display === undefined ? {} : { display }),
    }),
  };
}
