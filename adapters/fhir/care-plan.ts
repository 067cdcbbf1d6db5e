/** The CarePlan: the genomförandeplan itself, pointing at everything else in the bundle. */

import { planSections } from '../../src/documents/plan-sections.js';
import type { Plan } from '../../src/domain/plan.js';
import type { Annotation, EntryIds, FhirResource } from './fhir-types.js';
import { activity, goalKey, serviceTypeConcept } from './interventions.js';
import { KEYS } from './people.js';
import { EXTENSIONS, LAW_SYSTEM, PLAN_ID_SYSTEM, SOURCE_PLAN_ID_SYSTEM } from './systems.js';

export type LifecycleStatus =
  | 'draft'
  | 'established'
  | 'communicated'
  | 'signed'
  | 'submitted'
  | 'acknowledged'
  | 'ended';

export interface CarePlanMeta {
  planId: string;
  version: number;
  lifecycleStatus: LifecycleStatus;
  updatedAt: Date;
}

/** Sections carried by structured resources (Goal, ServiceRequest, activity), not repeated as notes. */
const STRUCTURED_SECTIONS = new Set(['officer', 'provider']);

const LAW_NAMES = { SoL: 'Socialtjänstlagen', LSS: 'Lagen om stöd och service till vissa funktionshindrade' };

/**
 * Only a draft is a draft: from fastställd on the plan is in force, and signing, submitting
 * and acknowledgement do not end it. An ended plan is FHIR `completed`: the care is over.
 */
export function carePlanStatus(status: LifecycleStatus): 'draft' | 'active' | 'completed' {
  if (status === 'ended') return 'completed';
  return status === 'draft' ? 'draft' : 'active';
}

export function carePlan(plan: Plan, meta: CarePlanMeta, ids: EntryIds): FhirResource {
  const draft = meta.lifecycleStatus === 'draft';
  const { dates } = plan;
  return {
    resourceType: 'CarePlan',
    id: ids.id(KEYS.carePlan),
    meta: { versionId: String(meta.version), lastUpdated: meta.updatedAt.toISOString() },
    extension: [
      { url: EXTENSIONS.lifecycleStatus, valueCode: meta.lifecycleStatus },
      ...dateExtension(EXTENSIONS.established, dates.established),
      ...dateExtension(EXTENSIONS.communicated, dates.communicated),
      ...dateExtension(EXTENSIONS.nextFollowUp, dates.nextFollowUp),
    ],
    identifier: [
      { system: PLAN_ID_SYSTEM, value: meta.planId },
      { system: SOURCE_PLAN_ID_SYSTEM, value: plan.plan.sourcePlanId },
    ],
    status: carePlanStatus(meta.lifecycleStatus),
    intent: 'plan',
    category: [
      { coding: [{ system: LAW_SYSTEM, code: plan.plan.law, display: LAW_NAMES[plan.plan.law] }] },
      serviceTypeConcept(plan),
    ],
    title: `Genomförandeplan för ${plan.person.givenName} ${plan.person.familyName}`,
    subject: ids.ref(KEYS.patient),
    period: { start: dates.interventionStart },
    created: dates.drawnUp,
    author: ids.ref(KEYS.contactPersonRole, plan.contactPerson.name),
    contributor: [
      ids.ref(KEYS.contactPersonRole, plan.contactPerson.name),
      ...(plan.viceContactPerson ? [ids.ref(KEYS.viceContactPersonRole, plan.viceContactPerson.name)] : []),
      ids.ref(KEYS.unit, plan.plan.unit.name),
    ],
    ...(plan.participation.otherParticipants.length > 0 ? { careTeam: [ids.ref(KEYS.planningTeam)] } : {}),
    goal: plan.interventions.flatMap((i) =>
      ['ordered', 'individual', 'planned'].map((k) => ids.ref(goalKey(i, k))),
    ),
    activity: plan.interventions.map((i) => activity(i, ids, draft)),
    note: notes(plan),
  };
}

/**
 * Every free-text part of the template as one note, prefixed with its Swedish section and
 * label ("Hälsa – Allergier: …"), so a consumer that shows notes shows the whole plan.
 */
export function notes(plan: Plan): Annotation[] {
  return planSections(plan)
    .filter((section) => !STRUCTURED_SECTIONS.has(section.key))
    .flatMap((section) =>
      section.items.map((item) => {
        if (item.kind === 'field') return { text: `${section.heading} – ${item.label}: ${item.text}` };
        return { text: `${section.heading}: ${item.text}` };
      }),
    );
}

function dateExtension(url: string, date: string | undefined): { url: string; valueDate: string }[] {
  return date === undefined ? [] : [{ url, valueDate: date }];
}
