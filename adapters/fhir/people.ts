/** Patient, the unit and the staff named in the plan, and the planning meeting's participants. */
import { identityNumberKind } from '../../src/domain/identity-number.js';
import type { Plan } from '../../src/domain/plan.js';
import type { EntryIds, FhirResource } from './fhir-types.js';
import {
  MUNICIPALITY_CODE_SYSTEM,
  PERSONNUMMER_SYSTEM,
  PLAN_ROLE_SYSTEM,
  SAMORDNINGSNUMMER_SYSTEM,
  UNIT_ID_SYSTEM,
} from './systems.js';

export const KEYS = {
  patient: 'Patient',
  unit: 'Organization/unit',
  municipality: 'Organization/municipality',
  contactPerson: 'Practitioner/contact-person',
  contactPersonRole: 'PractitionerRole/contact-person',
  viceContactPerson: 'Practitioner/vice-contact-person',
  viceContactPersonRole: 'PractitionerRole/vice-contact-person',
  planningTeam: 'CareTeam/planning',
  carePlan: 'CarePlan',
} as const;

export function patient(plan: Plan, ids: EntryIds): FhirResource {
  const { identityNumber, givenName, familyName } = plan.person;
  const system =
    identityNumberKind(identityNumber) === 'samordningsnummer'
      ? SAMORDNINGSNUMMER_SYSTEM
      : PERSONNUMMER_SYSTEM;
  return {
    resourceType: 'Patient',
    id: ids.id(KEYS.patient),
    identifier: [{ use: 'official', system, value: identityNumber }],
    name: [{ use: 'official', family: familyName, given: [givenName], text: `${givenName} ${familyName}` }],
  };
}

export function organizations(plan: Plan, ids: EntryIds): FhirResource[] {
  const { unit, municipalityCode } = plan.plan;
  return [
    {
      resourceType: 'Organization',
      id: ids.id(KEYS.unit),
      identifier: [{ system: UNIT_ID_SYSTEM, value: unit.id }],
      name: unit.name,
      partOf: ids.ref(KEYS.municipality),
    },
    {
      resourceType: 'Organization',
      id: ids.id(KEYS.municipality),
      identifier: [{ system: MUNICIPALITY_CODE_SYSTEM, value: municipalityCode }],
    },
  ];
}

/** Kontaktman and vice kontaktman: a Practitioner each, with their title on a PractitionerRole at the unit. */
export function staff(plan: Plan, ids: EntryIds): FhirResource[] {
  const resources = staffMember(ids, plan.contactPerson, 'contact-person', 'kontaktman', [
    KEYS.contactPerson,
    KEYS.contactPersonRole,
  ]);
  if (plan.viceContactPerson) {
    resources.push(
      ...staffMember(ids, plan.viceContactPerson, 'vice-contact-person', 'vice kontaktman', [
        KEYS.viceContactPerson,
        KEYS.viceContactPersonRole,
      ]),
    );
  }
  return resources;
}

function staffMember(
  ids: EntryIds,
  person: { name: string; title: string },
  roleCode: string,
  roleDisplay: string,
  [practitionerKey, roleKey]: [string, string],
): FhirResource[] {
  return [
    { resourceType: 'Practitioner', id: ids.id(practitionerKey), name: [{ text: person.name }] },
    {
      resourceType: 'PractitionerRole',
      id: ids.id(roleKey),
      practitioner: ids.ref(practitionerKey, person.name),
      organization: ids.ref(KEYS.unit),
      code: [
        { coding: [{ system: PLAN_ROLE_SYSTEM, code: roleCode, display: roleDisplay }] },
        { text: person.title },
      ],
    },
  ];
}

/**
 * Övriga deltagande personer: who took part in drawing up the plan. Relatives and guardians
 * are not resources of ours, so members are display-only references with the relation as role.
 */
export function planningTeam(plan: Plan, ids: EntryIds): FhirResource | undefined {
  const participants = plan.participation.otherParticipants;
  if (participants.length === 0) return undefined;
  return {
    resourceType: 'CareTeam',
    id: ids.id(KEYS.planningTeam),
    status: 'active',
    name: 'Deltagare i planens framtagande',
    subject: ids.ref(KEYS.patient),
    participant: participants.map((p) => ({
      role: [{ text: p.titleOrRelation }],
      member: { display: p.name },
    })),
  };
}
