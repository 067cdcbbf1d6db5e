/**
 * Identifier systems, code systems and extension URLs of the FHIR export.
 * Swedish identity numbers use the HL7 Sweden base profile systems; everything planbrygga
 * defines itself is a `urn:planbrygga:` URI, which a consumer can rely on never resolving.
 */

// The same identifiers are 1.2.752.129.2.1.3.1 (personnummer) and 1.2.752.129.2.1.3.3
// (samordningsnummer) in RIV-TA; FHIR consumers in Sweden expect the URLs.
export const PERSONNUMMER_SYSTEM = 'http://electronichealth.se/identifier/personnummer';
export const SAMORDNINGSNUMMER_SYSTEM = 'http://electronichealth.se/identifier/samordningsnummer';

export const PLAN_ID_SYSTEM = 'urn:planbrygga:plan-id';
export const PLAN_VERSION_SYSTEM = 'urn:planbrygga:plan-version';
export const SOURCE_PLAN_ID_SYSTEM = 'urn:planbrygga:source-plan-id';
/** beslut-id: the case officer's decision that granted the intervention. */
export const DECISION_ID_SYSTEM = 'urn:planbrygga:decision-id';
export const UNIT_ID_SYSTEM = 'urn:planbrygga:unit-id';
/** kommunkod, four digits. */
export const MUNICIPALITY_CODE_SYSTEM = 'urn:planbrygga:municipality-code';

export const LAW_SYSTEM = 'urn:planbrygga:law';
export const SERVICE_TYPE_SYSTEM = 'urn:planbrygga:service-type';
export const GOAL_KIND_SYSTEM = 'urn:planbrygga:goal-kind';
export const PLAN_ROLE_SYSTEM = 'urn:planbrygga:plan-role';

const EXTENSION_BASE = 'urn:planbrygga:fhir:extension:';
export const EXTENSIONS = {
  lifecycleStatus: `${EXTENSION_BASE}lifecycle-status`,
  established: `${EXTENSION_BASE}established-date`,
  communicated: `${EXTENSION_BASE}communicated-date`,
  nextFollowUp: `${EXTENSION_BASE}next-follow-up-date`,
  /** On CarePlan.activity.detail: the case officer's order the activity carries out (R4 has no detail.basedOn). */
  basedOn: `${EXTENSION_BASE}based-on`,
} as const;
