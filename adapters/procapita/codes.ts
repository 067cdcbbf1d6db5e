/** Procapita spellings of the code tables (formats/README.md section 4) and the keyword model (4.7). */
import type { Law, MobilityAid, SignatureMethod, SignatureRole } from '../../src/domain/codes.js';

export const FORMAT_VERSION = '4.2';

/** MODUL: ÄO (äldreomsorg) for SoL plans, LSS for LSS plans; validated on read, never used. */
export const MODULE_BY_LAW: Record<Law, string> = { SoL: 'ÄO', LSS: 'LSS' };
export const MODULES: readonly string[] = Object.values(MODULE_BY_LAW);

export const LAW: Record<string, Law> = { SOL: 'SoL', LSS: 'LSS' };

export const MOBILITY: Record<string, MobilityAid> = {
  UTAN: 'none',
  KAPP: 'cane',
  ROLLATOR: 'rollator',
  RULLSTOL: 'wheelchair',
};

export const ROLE: Record<string, SignatureRole> = {
  BRUKARE: 'person',
  ENHETSCHEF: 'unit_manager',
  KONTAKTMAN: 'contact_person',
  STALLFORETRADARE: 'guardian',
};

export const METHOD: Record<string, SignatureMethod> = { PAPPER: 'paper', BANKID: 'bankid', SITHS: 'siths' };

export const BOOLEAN: Record<string, boolean> = { J: true, N: false };

/** KONTAKTMAN/@TYP: the responsible kontaktman and the vice. */
export const CONTACT_TYPES = ['ANSVARIG', 'VICE'] as const;

/**
 * The keyword codes (SOKORD/@KOD) and the canonical free text each carries, in the order a
 * renderer writes them. `DELTAGANDE` is the one required entry.
 */
export const KEYWORDS = [
  ['DELTAGANDE', ['participation', 'howPersonTookPart']],
  ['MORGON', ['dailyRhythm', 'morning']],
  ['DAG', ['dailyRhythm', 'day']],
  ['KVALL', ['dailyRhythm', 'evening']],
  ['NATT', ['dailyRhythm', 'night']],
  ['AKTIVITETER', ['social', 'activities']],
  ['INTRESSEN', ['social', 'interests']],
  ['ALLERGIER', ['health', 'allergies']],
  ['KOST', ['health', 'diet']],
  ['SYN_HORSEL_TAL', ['health', 'sightHearingSpeech']],
  ['MUNVARD', ['health', 'oralCare']],
  ['RORELSEFORMAGA', ['health', 'mobility']],
  ['ORO', ['health', 'worry']],
  ['ORIENTERING', ['health', 'orientationMemory']],
  ['HJALPMEDEL', ['mobility', 'aids']],
  ['FORFLYTTNING_ANNAT', ['mobility', 'other']],
  ['MALTID', ['needs', 'meals']],
  ['PERSONNARA', ['needs', 'personalCare']],
  ['HEMMET', ['needs', 'household']],
  ['OVRIGA_BEHOV', ['needs', 'other']],
  ['FORHALLNINGSSATT', ['approach']],
  ['OVRIGT', ['otherInformation']],
  ['SIP', ['sipNote']],
  ['PLANERARE', ['plannerNotification']],
] as const satisfies readonly (readonly [string, readonly string[]])[];

export type KeywordCode = (typeof KEYWORDS)[number][0];
export const KEYWORD_PATHS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>(
  KEYWORDS,
);

/** INSATS child elements and the intervention text each carries, in the order a renderer writes them. */
export const INTERVENTION_TEXTS = [
  ['BESTALLT_MAL', 'orderedGoal'],
  ['INDIVIDUELLT_MAL', 'individualGoal'],
  ['PLANERAT_MAL', 'plannedGoal'],
  ['OMFATTNING', 'scope'],
  ['NAR', 'when'],
  ['VAR', 'where'],
  ['HUR', 'how'],
  ['ANTECKNING', 'note'],
] as const;

/** The code whose value `value` has in `table`, for rendering. */
export function codeOf<T>(table: Record<string, T>, value: T): string {
  const entry = Object.entries(table).find(([, v]) => v === value);
  if (!entry) throw new RangeError('value missing from code table');
  return entry[0];
}
