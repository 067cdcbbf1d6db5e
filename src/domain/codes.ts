/** Code tables of the interchange formats (formats/README.md section 4), in their neutral spelling. */

export const LAWS = ['SoL', 'LSS'] as const;
export type Law = (typeof LAWS)[number];

/** Service types (verksamhet) with their Swedish names and the law each belongs to. */
export const SERVICE_TYPES = {
  HEMTJANST: { name: 'hemtjänst', law: 'SoL' },
  SARSKILT_BOENDE: { name: 'särskilt boende', law: 'SoL' },
  KORTTIDSBOENDE: { name: 'korttidsboende', law: 'SoL' },
  DAGVERKSAMHET: { name: 'dagverksamhet', law: 'SoL' },
  BOENDESTOD: { name: 'boendestöd', law: 'SoL' },
  LSS_PERSONLIG_ASSISTANS: { name: 'personlig assistans (LSS 9 § 2)', law: 'LSS' },
  LSS_LEDSAGARSERVICE: { name: 'ledsagarservice (LSS 9 § 3)', law: 'LSS' },
  LSS_KONTAKTPERSON: { name: 'biträde av kontaktperson (LSS 9 § 4)', law: 'LSS' },
  LSS_AVLOSARSERVICE: { name: 'avlösarservice i hemmet (LSS 9 § 5)', law: 'LSS' },
  LSS_KORTTIDSVISTELSE: { name: 'korttidsvistelse utanför det egna hemmet (LSS 9 § 6)', law: 'LSS' },
  LSS_KORTTIDSTILLSYN: { name: 'korttidstillsyn för skolungdom över 12 år (LSS 9 § 7)', law: 'LSS' },
  LSS_BOSTAD_BARN: {
    name: 'boende i familjehem eller bostad med särskild service för barn eller ungdomar (LSS 9 § 8)',
    law: 'LSS',
  },
  LSS_BOSTAD_VUXNA: { name: 'bostad med särskild service för vuxna (LSS 9 § 9)', law: 'LSS' },
  LSS_DAGLIG_VERKSAMHET: { name: 'daglig verksamhet (LSS 9 § 10)', law: 'LSS' },
} as const satisfies Record<string, { name: string; law: Law }>;
export type ServiceTypeCode = keyof typeof SERVICE_TYPES;
export const SERVICE_TYPE_CODES = Object.keys(SERVICE_TYPES) as [ServiceTypeCode, ...ServiceTypeCode[]];

/** Förflyttning: utan hjälpmedel, käpp, rollator, rullstol. */
export const MOBILITY_AIDS = ['none', 'cane', 'rollator', 'wheelchair'] as const;
export type MobilityAid = (typeof MOBILITY_AIDS)[number];

export const SIGNATURE_ROLES = ['person', 'unit_manager', 'contact_person', 'guardian'] as const;
export type SignatureRole = (typeof SIGNATURE_ROLES)[number];

export const SIGNATURE_METHODS = ['paper', 'bankid', 'siths'] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];
