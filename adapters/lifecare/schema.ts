/**
 * The Lifecare element tree (formats/README.md 6.2) in the order renderers write it, with the
 * canonical field each element maps to (section 8). Parsing and rendering both walk this one
 * tree, so the two directions cannot drift apart.
 */
import type { IdentityNumberKind } from '../../src/domain/identity-number.js';

export const LIFECARE_NAMESPACE = 'urn:se:lifecare:utforare:genomforandeplan:v2';
export const ROOT_NAME = 'Genomforandeplan';

/** A canonical path relative to the enclosing plan or list item. */
export type CanonicalPath = readonly string[];

export type ValueType =
  | { kind: 'text' } // T: free text, handed to the canonical model as written
  | { kind: 'line' } // S, dates and codes spelled as in the canonical model; trimmed there
  | { kind: 'boolean' }
  | { kind: 'code'; table: ReadonlyMap<string, string> } // Lifecare spelling → neutral code
  | { kind: 'identity'; accepts: IdentityNumberKind }
  | { kind: 'metadata'; field: 'documentId' | 'created' }; // envelope, not plan content (3.9)

export interface LeafSpec {
  kind: 'leaf';
  value: ValueType;
  to: CanonicalPath;
}

export interface GroupSpec {
  kind: 'group';
  /** Children by name, in rendering order; each occurs at most once. */
  children: Readonly<Record<string, ElementSpec>>;
  /** Exactly one of these two children must be present (Personnummer | Samordningsnummer). */
  exactlyOne?: readonly [string, string];
}

export interface ListItemSpec {
  fields: GroupSpec;
  /** Canonical fields implied by the element name (Signering → signed: true). */
  constant?: Readonly<Record<string, unknown>>;
}

export interface ListSpec {
  kind: 'list';
  to: CanonicalPath;
  /** Item elements by name; several names may feed one list, interleaved in any order. */
  items: Readonly<Record<string, ListItemSpec>>;
}

export type ElementSpec = LeafSpec | GroupSpec | ListSpec;

const leaf = (value: ValueType, to: CanonicalPath): LeafSpec => ({ kind: 'leaf', value, to });
const text = (...to: string[]) => leaf({ kind: 'text' }, to);
const line = (...to: string[]) => leaf({ kind: 'line' }, to);
const boolean = (...to: string[]) => leaf({ kind: 'boolean' }, to);
const code = (table: ReadonlyMap<string, string>, ...to: string[]) => leaf({ kind: 'code', table }, to);
const group = (children: Record<string, ElementSpec>, exactlyOne?: readonly [string, string]): GroupSpec => ({
  kind: 'group',
  children,
  ...(exactlyOne ? { exactlyOne } : {}),
});
const list = (to: CanonicalPath, items: Record<string, ListItemSpec>): ListSpec => ({
  kind: 'list',
  to,
  items,
});
const item = (fields: Record<string, ElementSpec>, constant?: Record<string, unknown>): ListItemSpec => ({
  fields: group(fields),
  ...(constant ? { constant } : {}),
});

/** 4.3: förflyttning. */
export const MOBILITY_CODES: ReadonlyMap<string, string> = new Map([
  ['UtanHjalpmedel', 'none'],
  ['Kapp', 'cane'],
  ['Rollator', 'rollator'],
  ['Rullstol', 'wheelchair'],
]);

/** 4.4: signature roles. */
export const ROLE_CODES: ReadonlyMap<string, string> = new Map([
  ['Brukare', 'person'],
  ['Enhetschef', 'unit_manager'],
  ['Kontaktman', 'contact_person'],
  ['Stallforetradare', 'guardian'],
]);

/** 4.5: signature methods. */
export const METHOD_CODES: ReadonlyMap<string, string> = new Map([
  ['Papper', 'paper'],
  ['BankID', 'bankid'],
  ['SITHS', 'siths'],
]);

const nameAndTitle = (to: string) => group({ Namn: line(to, 'name'), Titel: line(to, 'title') });

/** `Genomforandeplan` and everything below it. */
export const PLAN_SPEC: GroupSpec = group({
  Dokumentinfo: group({
    DokumentId: leaf({ kind: 'metadata', field: 'documentId' }, []),
    Skapad: leaf({ kind: 'metadata', field: 'created' }, []),
    KallsystemetsPlanId: line('plan', 'sourcePlanId'),
  }),
  Arende: group({
    Lagstiftning: line('plan', 'law'),
    Verksamhet: group({
      Kod: line('plan', 'serviceType', 'code'),
      Benamning: line('plan', 'serviceType', 'name'),
    }),
    Kommunkod: line('plan', 'municipalityCode'),
    Enhet: group({ EnhetsId: line('plan', 'unit', 'id'), Namn: line('plan', 'unit', 'name') }),
  }),
  Brukare: group(
    {
      Personnummer: leaf({ kind: 'identity', accepts: 'personnummer' }, ['person', 'identityNumber']),
      Samordningsnummer: leaf({ kind: 'identity', accepts: 'samordningsnummer' }, [
        'person',
        'identityNumber',
      ]),
      Fornamn: line('person', 'givenName'),
      Efternamn: line('person', 'familyName'),
    },
    ['Personnummer', 'Samordningsnummer'],
  ),
  Ansvariga: group({
    Kontaktman: nameAndTitle('contactPerson'),
    ViceKontaktman: nameAndTitle('viceContactPerson'),
  }),
  Tidpunkter: group({
    InsatsensStart: line('dates', 'interventionStart'),
    Upprattad: line('dates', 'drawnUp'),
    Faststalld: line('dates', 'established'),
    Kommunicerad: line('dates', 'communicated'),
    NastaUppfoljning: line('dates', 'nextFollowUp'),
  }),
  Planering: group({
    BrukarensDelaktighet: text('participation', 'howPersonTookPart'),
    OvrigaDeltagare: list(['participation', 'otherParticipants'], {
      Deltagare: item({ Namn: line('name'), TitelEllerRelation: line('titleOrRelation') }),
    }),
  }),
  Insatser: list(['interventions'], {
    Insats: item({
      BeslutsId: line('decisionId'),
      Benamning: line('name'),
      Lagrum: line('legalBasis'),
      Mal: group({
        BestalltMal: text('orderedGoal'),
        IndividuelltMal: text('individualGoal'),
        PlaneratMal: text('plannedGoal'),
      }),
      Omfattning: text('scope'),
      Genomforande: group({ Nar: text('when'), Var: text('where'), Hur: text('how') }),
      Anteckning: text('note'),
    }),
  }),
  Dygnsrytm: group({
    Morgon: text('dailyRhythm', 'morning'),
    Dag: text('dailyRhythm', 'day'),
    Kvall: text('dailyRhythm', 'evening'),
    Natt: text('dailyRhythm', 'night'),
  }),
  Socialt: group({
    Aktiviteter: text('social', 'activities'),
    IntressenReligionTraditioner: text('social', 'interests'),
    ViktigaKontakter: list(['social', 'importantContacts'], {
      Kontakt: item({
        Namn: line('name'),
        Relation: line('relation'),
        Telefon: line('phone'),
        VillHaHjalpAttRinga: boolean('wantsHelpToCall'),
      }),
    }),
  }),
  Halsa: group({
    Allergier: text('health', 'allergies'),
    KostOchAptit: text('health', 'diet'),
    SynHorselTal: text('health', 'sightHearingSpeech'),
    Munvard: text('health', 'oralCare'),
    Rorelseformaga: text('health', 'mobility'),
    OroOtrygghet: text('health', 'worry'),
    OrienteringMinne: text('health', 'orientationMemory'),
    Larm: group({
      Typ: line('health', 'alarm', 'type'),
      Placering: line('health', 'alarm', 'placement'),
      Samtycke: boolean('health', 'alarm', 'consent'),
    }),
  }),
  Stodbehov: group({
    Fardtjanst: boolean('transportService'),
    Lakemedelsstod: boolean('medicationHelp'),
    Forflyttning: group({
      Inomhus: code(MOBILITY_CODES, 'mobility', 'indoors'),
      Utomhus: code(MOBILITY_CODES, 'mobility', 'outdoors'),
      Hjalpmedel: text('mobility', 'aids'),
      Annat: text('mobility', 'other'),
    }),
    Maltider: text('needs', 'meals'),
    PersonligOmvardnad: text('needs', 'personalCare'),
    SkotaHemmet: text('needs', 'household'),
    OvrigaBehov: text('needs', 'other'),
    Forhallningssatt: text('approach'),
  }),
  UppgifterOchOvrigInformation: group({
    OvrigViktigInformation: text('otherInformation'),
    SipAnteckning: text('sipNote'),
    MeddelandeTillPlanerare: text('plannerNotification'),
  }),
  Samtycken: list(['consents'], {
    Samtycke: item({ Avser: text('covers'), Lamnat: boolean('given'), Datum: line('date') }),
  }),
  Signeringar: list(['signatures'], {
    Signering: item(
      {
        Roll: code(ROLE_CODES, 'role'),
        Namn: line('name'),
        Datum: line('date'),
        Metod: code(METHOD_CODES, 'method'),
      },
      { signed: true },
    ),
    EjSignerad: item({ Roll: code(ROLE_CODES, 'role'), Orsak: text('reason') }, { signed: false }),
  }),
});
