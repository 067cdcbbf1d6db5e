/**
 * Swedish wording of the LSS template (routine 003, "lathund") and of the code tables, shared
 * by the final document (PDF) and the FHIR export's notes so both say the same thing.
 */
import type { MobilityAid, SignatureMethod, SignatureRole } from '../domain/codes.js';

export const MOBILITY_LABELS: Record<MobilityAid, string> = {
  none: 'utan hjälpmedel',
  cane: 'käpp',
  rollator: 'rollator',
  wheelchair: 'rullstol',
};

export const SIGNATURE_ROLE_LABELS: Record<SignatureRole, string> = {
  person: 'brukare/kund',
  unit_manager: 'enhetschef',
  contact_person: 'kontaktman',
  guardian: 'ställföreträdare',
};

export const SIGNATURE_METHOD_LABELS: Record<SignatureMethod, string> = {
  paper: 'papper',
  bankid: 'BankID',
  siths: 'SITHS',
};

/** Dygnsrytm: the template's time ranges for each part of the day. */
export const DAILY_RHYTHM_LABELS = {
  morning: 'Morgon 07:00–12:00',
  day: 'Dag 12:00–18:00',
  evening: 'Kväll 18:00–21:30',
  night: 'Natt 21:30–07:00',
} as const;

export const SOCIAL_LABELS = {
  activities: 'Aktiviteter',
  interests: 'Intressen, religion, traditioner som betyder mycket',
  importantContacts: 'Viktiga personer eller kontakter',
} as const;

export const HEALTH_LABELS = {
  allergies: 'Allergier',
  diet: 'Kost, matvanor, aptit',
  sightHearingSpeech: 'Syn, hörsel, tal',
  oralCare: 'Munvård',
  mobility: 'Förflyttning, rörelseförmåga',
  worry: 'Oro, otrygghet',
  orientationMemory: 'Orientering, minne',
} as const;

export const NEEDS_LABELS = {
  meals: 'Måltidssituation',
  personalCare: 'Personnära',
  household: 'Sköta hemmet',
  other: 'Övrigt',
} as const;

export function yesNo(value: boolean): string {
  return value ? 'Ja' : 'Nej';
}
