/**
 * Each intervention (insats) becomes the case officer's order (ServiceRequest), its three
 * goals (Goal) and one CarePlan activity with the provider's när, var and hur.
 */
import type { Intervention, Plan } from '../../src/domain/plan.js';
import type { EntryIds, FhirResource } from './fhir-types.js';
import { KEYS } from './people.js';
import { DECISION_ID_SYSTEM, EXTENSIONS, GOAL_KIND_SYSTEM, SERVICE_TYPE_SYSTEM } from './systems.js';

const GOAL_KINDS = [
  { kind: 'ordered', field: 'orderedGoal', display: 'beställt mål' },
  { kind: 'individual', field: 'individualGoal', display: 'individuellt mål' },
  { kind: 'planned', field: 'plannedGoal', display: 'planerat mål' },
] as const;

export const orderKey = (i: Intervention) => `ServiceRequest/${i.decisionId}`;
export const goalKey = (i: Intervention, kind: string) => `Goal/${i.decisionId}/${kind}`;

/** The officer's order stands whatever state the plan is in, so it is always active. */
export function serviceRequest(plan: Plan, intervention: Intervention, ids: EntryIds): FhirResource {
  const notes = [
    `Lagrum: ${intervention.legalBasis}`,
    `Omfattning: ${intervention.scope}`,
    ...(intervention.note === undefined ? [] : [`Anteckning: ${intervention.note}`]),
  ];
  return {
    resourceType: 'ServiceRequest',
    id: ids.id(orderKey(intervention)),
    identifier: [{ system: DECISION_ID_SYSTEM, value: intervention.decisionId }],
    status: 'active',
    intent: 'order',
    category: [serviceTypeConcept(plan)],
    code: { text: intervention.name },
    subject: ids.ref(KEYS.patient),
    performer: [ids.ref(KEYS.unit, plan.plan.unit.name)],
    note: notes.map((text) => ({ text })),
  };
}

/**
 * Beställt mål is the officer's, individuellt mål the person's own, planerat mål the
 * provider's answer. A draft plan's goals are proposals; from establishment on they are active.
 */
export function goals(intervention: Intervention, ids: EntryIds, draft: boolean): FhirResource[] {
  return GOAL_KINDS.map(({ kind, field, display }) => ({
    resourceType: 'Goal',
    id: ids.id(goalKey(intervention, kind)),
    lifecycleStatus: draft ? 'proposed' : 'active',
    category: [{ coding: [{ system: GOAL_KIND_SYSTEM, code: kind, display }] }],
    description: { text: intervention[field] },
    subject: ids.ref(KEYS.patient),
    ...(kind === 'individual' ? { expressedBy: ids.ref(KEYS.patient) } : {}),
    ...(kind === 'planned' ? { expressedBy: ids.ref(KEYS.contactPersonRole) } : {}),
  }));
}

/**
 * The provider's part: code = the intervention, scheduled = när, location = var (free text,
 * so a display-only reference), description = hur. The order it answers is linked by extension.
 * A draft's activities have not started under this plan; once established they are in progress.
 */
export function activity(intervention: Intervention, ids: EntryIds, draft: boolean): Record<string, unknown> {
  return {
    detail: {
      extension: [
        { url: EXTENSIONS.basedOn, valueReference: ids.ref(orderKey(intervention), intervention.name) },
      ],
      code: { text: intervention.name },
      goal: GOAL_KINDS.map(({ kind }) => ids.ref(goalKey(intervention, kind))),
      status: draft ? 'not-started' : 'in-progress',
      scheduledString: intervention.when,
      location: { display: intervention.where },
      performer: [ids.ref(KEYS.unit)],
      description: intervention.how,
    },
  };
}

export function serviceTypeConcept(plan: Plan): Record<string, unknown> {
  const { code, name } = plan.plan.serviceType;
  return { coding: [{ system: SERVICE_TYPE_SYSTEM, code, display: name }], text: name };
}
