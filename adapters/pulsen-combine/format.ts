/**
 * The Pulsen Combine document (formats/README.md 7.2), key by key, in the order renderers
 * write them. Each key names the canonical item it carries (`to`, a dotted canonical path;
 * relative to the item inside lists). Parsing, rendering and the translation of canonical
 * issue paths back to JSON Pointers all read this one description.
 */
import type { MobilityAid, SignatureMethod, SignatureRole } from '../../src/domain/codes.js';

export const DOCUMENT_TYPE = 'genomforandeplan';
export const FORMAT_VERSION = '1.0';

export type Field =
  | { key: string; kind: 'metadata'; required: true }
  | { key: string; kind: 'text'; to: string; required?: boolean }
  | { key: string; kind: 'boolean'; to: string; required?: boolean }
  | { key: string; kind: 'code'; to: string; codes: Readonly<Record<string, string>>; required?: boolean }
  | { key: string; kind: 'tickBoxes'; to: string; required?: boolean }
  | { key: string; kind: 'object'; to: string; fields: readonly Field[]; required?: boolean }
  /** `list` names the list for index bookkeeping; the two intervention lists share `to`. */
  | { key: string; kind: 'list'; to: string; list: ListName; fields: readonly Field[]; required?: boolean };

export type ListName =
  | 'otherParticipants'
  | 'officerInterventions'
  | 'providerInterventions'
  | 'importantContacts'
  | 'consents'
  | 'signatures';

export const ROLE_CODES: Readonly<Record<string, SignatureRole>> = {
  kund: 'person',
  enhetschef: 'unit_manager',
  kontaktman: 'contact_person',
  stallforetradare: 'guardian',
};

export const METHOD_CODES: Readonly<Record<string, SignatureMethod>> = {
  papper: 'paper',
  bankid: 'bankid',
  siths: 'siths',
};

/** Förflyttning tick boxes (4.3), in the order renderers write them. */
export const TICK_BOXES: Readonly<Record<string, MobilityAid>> = {
  utanHjalpmedel: 'none',
  kapp: 'cane',
  rollator: 'rollator',
  rullstol: 'wheelchair',
};

const text = (key: string, to: string, required = false): Field => ({ key, kind: 'text', to, required });

export const DOCUMENT_FIELDS: readonly Field[] = [
  { key: 'dokumenttyp', kind: 'metadata', required: true },
  { key: 'version', kind: 'metadata', required: true },
  { key: 'exporterad', kind: 'metadata', required: true },
  text('planId', 'plan.sourcePlanId', true),
  text('kommunkod', 'plan.municipalityCode', true),
  {
    key: 'enhet',
    kind: 'object',
    to: 'plan.unit',
    required: true,
    fields: [text('enhetsId', 'plan.unit.id', true), text('namn', 'plan.unit.name', true)],
  },
  text('lagstiftning', 'plan.law', true),
  {
    key: 'verksamhet',
    kind: 'object',
    to: 'plan.serviceType',
    required: true,
    fields: [text('kod', 'plan.serviceType.code', true), text('namn', 'plan.serviceType.name', true)],
  },
  text('insatsensStartdatum', 'dates.interventionStart', true),
  {
    key: 'kund',
    kind: 'object',
    to: 'person',
    required: true,
    fields: [
      text('personnummer', 'person.identityNumber', true),
      text('fornamn', 'person.givenName', true),
      text('efternamn', 'person.familyName', true),
    ],
  },
  {
    key: 'ansvarig',
    kind: 'object',
    to: 'contactPerson',
    required: true,
    fields: [text('namn', 'contactPerson.name', true), text('titel', 'contactPerson.title', true)],
  },
  {
    key: 'viceAnsvarig',
    kind: 'object',
    to: 'viceContactPerson',
    fields: [text('namn', 'viceContactPerson.name', true), text('titel', 'viceContactPerson.title', true)],
  },
  {
    key: 'planensFramtagande',
    kind: 'object',
    to: 'participation',
    required: true,
    fields: [
      text('datum', 'dates.drawnUp', true),
      text('faststalld', 'dates.established'),
      text('kommunicerad', 'dates.communicated'),
      text('deltagande', 'participation.howPersonTookPart', true),
      {
        key: 'ovrigaDeltagare',
        kind: 'list',
        to: 'participation.otherParticipants',
        list: 'otherParticipants',
        fields: [text('namn', 'name', true), text('titelEllerRelation', 'titleOrRelation', true)],
      },
      text('uppfoljning', 'dates.nextFollowUp', true),
    ],
  },
  {
    key: 'malOchInsatser',
    kind: 'list',
    to: 'interventions',
    list: 'officerInterventions',
    required: true,
    fields: [
      text('insatsId', 'decisionId', true),
      text('insats', 'name', true),
      text('lagrum', 'legalBasis', true),
      text('bestalltMal', 'orderedGoal', true),
      text('individuelltMal', 'individualGoal', true),
      text('omfattning', 'scope', true),
      text('anteckning', 'note'),
    ],
  },
  {
    key: 'utforarensMalOchInsatser',
    kind: 'list',
    to: 'interventions',
    list: 'providerInterventions',
    required: true,
    fields: [
      text('insatsId', 'decisionId', true),
      text('planeratMal', 'plannedGoal', true),
      text('nar', 'when', true),
      text('var', 'where', true),
      text('hur', 'how', true),
    ],
  },
  {
    key: 'dygnsrytm',
    kind: 'object',
    to: 'dailyRhythm',
    fields: [
      text('morgon', 'dailyRhythm.morning'),
      text('dag', 'dailyRhythm.day'),
      text('kvall', 'dailyRhythm.evening'),
      text('natt', 'dailyRhythm.night'),
    ],
  },
  {
    key: 'socialaAktiviteter',
    kind: 'object',
    to: 'social',
    fields: [
      text('aktiviteter', 'social.activities'),
      text('intressenReligionTraditioner', 'social.interests'),
      {
        key: 'viktigaPersoner',
        kind: 'list',
        to: 'social.importantContacts',
        list: 'importantContacts',
        fields: [
          text('namn', 'name', true),
          text('relation', 'relation', true),
          text('telefon', 'phone'),
          { key: 'hjalpAttRinga', kind: 'boolean', to: 'wantsHelpToCall', required: true },
        ],
      },
    ],
  },
  {
    key: 'halsa',
    kind: 'object',
    to: 'health',
    fields: [
      text('allergier', 'health.allergies'),
      text('kostMatvanorAptit', 'health.diet'),
      text('synHorselTal', 'health.sightHearingSpeech'),
      text('munvard', 'health.oralCare'),
      text('forflyttningRorelseformaga', 'health.mobility'),
      text('oroOtrygghet', 'health.worry'),
      text('orienteringMinne', 'health.orientationMemory'),
      {
        key: 'larm',
        kind: 'object',
        to: 'health.alarm',
        fields: [
          text('typ', 'health.alarm.type', true),
          text('placering', 'health.alarm.placement'),
          { key: 'samtycke', kind: 'boolean', to: 'health.alarm.consent', required: true },
        ],
      },
    ],
  },
  { key: 'fardtjanst', kind: 'boolean', to: 'transportService' },
  { key: 'medicin', kind: 'boolean', to: 'medicationHelp' },
  {
    key: 'forflyttning',
    kind: 'object',
    to: 'mobility',
    fields: [
      { key: 'inomhus', kind: 'tickBoxes', to: 'mobility.indoors' },
      { key: 'utomhus', kind: 'tickBoxes', to: 'mobility.outdoors' },
      text('hjalpmedel', 'mobility.aids'),
      text('annat', 'mobility.other'),
    ],
  },
  text('maltidssituation', 'needs.meals'),
  text('personnara', 'needs.personalCare'),
  text('skotaHemmet', 'needs.household'),
  text('ovrigt', 'needs.other'),
  text('forhallningssatt', 'approach'),
  text('ovrigInformation', 'otherInformation'),
  text('sipAnteckning', 'sipNote'),
  text('meddelandeTillPlanerare', 'plannerNotification'),
  {
    key: 'samtycken',
    kind: 'list',
    to: 'consents',
    list: 'consents',
    fields: [
      text('avser', 'covers', true),
      { key: 'lamnat', kind: 'boolean', to: 'given', required: true },
      text('datum', 'date', true),
    ],
  },
  {
    key: 'underskrifter',
    kind: 'list',
    to: 'signatures',
    list: 'signatures',
    fields: [
      { key: 'roll', kind: 'code', to: 'role', codes: ROLE_CODES, required: true },
      { key: 'underskriven', kind: 'boolean', to: 'signed', required: true },
      // Required or forbidden depending on `underskriven` (7.2); checked in signatures.ts.
      text('namn', 'name'),
      text('datum', 'date'),
      { key: 'metod', kind: 'code', to: 'method', codes: METHOD_CODES },
      text('orsak', 'reason'),
    ],
  },
];
