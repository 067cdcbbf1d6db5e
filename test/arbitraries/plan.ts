/**
 * fast-check arbitraries for random valid canonical plans: every optional group present or
 * absent, tri-state booleans, identity numbers with real (leap) dates and computed check
 * digits, and texts that stress the adapters: å ä ö é, a combining accent, NBSP, emoji,
 * markup characters, and free texts with TAB, LF, blank lines and leading or trailing
 * whitespace. Each plan is passed through `parseCanonicalPlan`, so it is in the exact form a
 * parser must return (defaults filled, empty groups gone).
 */
import fc from 'fast-check';
import { daysInMonth } from '../../src/domain/calendar-date.js';
import {
  MOBILITY_AIDS,
  SERVICE_TYPE_CODES,
  SERVICE_TYPES,
  SIGNATURE_METHODS,
  SIGNATURE_ROLES,
} from '../../src/domain/codes.js';
import { luhnCheckDigit } from '../../src/domain/identity-number.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import type { Plan } from '../../src/domain/plan.js';
import { SINGLE_LINE_MAX, trimSingleLine } from '../../src/domain/text.js';

const pad = (value: number, length: number) => String(value).padStart(length, '0');

/** Pieces texts are made of; several are more than one UTF-16 unit or more than one code point. */
const WORD_PIECES = [
  'a',
  'Z',
  'å',
  'ä',
  'ö',
  'Å',
  'Ö',
  'é',
  'e\u0301',
  'ü',
  'ß',
  '7',
  '§',
  '–',
  '”',
  '😀',
  '👩‍⚕️',
];
const MARKUP_PIECES = [
  '<',
  '>',
  '&',
  '&amp;',
  '"',
  "'",
  ']]>',
  '&#13;',
  '\\',
  '/',
  '{',
  '}',
  ',',
  '.',
  ':',
  ';',
];
// Latin-1 bytes 0x80–0x9F are C1 controls, not windows-1252 (a decoder labelled latin1 often is).
const C1_AND_FORMAT = ['\u0080', '\u0085', '\u009f', '\u2028', '\ufeff', '\u200b', '€'];
const INNER_SPACES = [' ', ' ', '\u00a0']; // NBSP is content, never trimmed
const FREE_TEXT_ONLY = ['\t', '\n', '\n\n', '  ', '\u007f'];
/** Values that tempt parsers to convert them or to look them up in a plain object. */
const TRICKY_VALUES = ['0', '007', '1e3', 'true', 'null', 'NaN', 'constructor', '__proto__', 'toString'];
const EDGE_WHITESPACE = ['', ' ', '  ', '\n', '\t', ' \n\t', '\n\n  '];

const pieces = (from: string[], maxLength: number) =>
  fc.array(fc.constantFrom(...from), { minLength: 1, maxLength }).map((parts) => parts.join(''));

/** S: trimmed, non-empty, no control characters, at most 200 code points. */
export const singleLineText: fc.Arbitrary<string> = fc
  .oneof(
    {
      weight: 8,
      arbitrary: pieces([...WORD_PIECES, ...MARKUP_PIECES, ...INNER_SPACES, ...C1_AND_FORMAT], 24),
    },
    { weight: 1, arbitrary: fc.constantFrom('x', 'Ö', '😀', ...TRICKY_VALUES) },
    // The longest allowed value, counted in code points (an emoji is one, not two).
    {
      weight: 1,
      arbitrary: fc.constantFrom('Ö', '😀', 'a', '&', '"', '<').map((c) => c.repeat(SINGLE_LINE_MAX)),
    },
  )
  .map(trimSingleLine)
  .filter((text) => text !== '' && [...text].length <= SINGLE_LINE_MAX);

/** T: not only whitespace; TAB, LF and edge whitespace are significant and must survive. */
export const freeText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...EDGE_WHITESPACE),
    fc.oneof(pieces(WORD_PIECES, 3), fc.constantFrom('\u00a0', '\ufeff', ...TRICKY_VALUES)),
    fc.oneof(
      { weight: 1, arbitrary: fc.constant('') },
      {
        weight: 5,
        arbitrary: pieces(
          [...WORD_PIECES, ...MARKUP_PIECES, ...INNER_SPACES, ...C1_AND_FORMAT, ...FREE_TEXT_ONLY],
          60,
        ),
      },
    ),
    fc.constantFrom(...EDGE_WHITESPACE),
  )
  .map(([lead, word, body, trail]) => `${lead}${word}${body}${trail}`);

// Mostly recent years; now and then the far ends of YYYY, which Date.UTC maps oddly below 100.
const year = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 1900, max: 2099 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, 99, 100, 999, 1000, 9999) },
);
const dayOf = ([y, m]: [number, number]) =>
  fc.integer({ min: 1, max: daysInMonth(y, m) }).map((d) => [y, m, d] as const);
const ymd = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(year, fc.integer({ min: 1, max: 12 })).chain(dayOf) },
  { weight: 1, arbitrary: fc.constantFrom(1904, 1944, 2000, 2024, 2096).map((y) => [y, 2, 29] as const) },
);

/** D: a date that exists, `YYYY-MM-DD`. */
export const calendarDate: fc.Arbitrary<string> = ymd.map(
  ([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`,
);

/** N: personnummer or samordningsnummer (day + 60) with its Luhn check digit. */
export const identityNumber: fc.Arbitrary<string> = fc
  .tuple(
    ymd.filter(([y]) => y <= 2025),
    fc.integer({ min: 0, max: 999 }),
    fc.boolean(),
  )
  .map(([[y, m, d], birthNumber, coordination]) => {
    const digits = `${pad(y, 4)}${pad(m, 2)}${pad(coordination ? d + 60 : d, 2)}${pad(birthNumber, 3)}`;
    return `${digits}${luhnCheckDigit(digits.slice(2))}`;
  });

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
const nameAndTitle = fc.record({ name: singleLineText, title: singleLineText });

const intervention = fc.record({
  decisionId: singleLineText,
  name: singleLineText,
  legalBasis: singleLineText,
  orderedGoal: freeText,
  individualGoal: freeText,
  plannedGoal: freeText,
  scope: freeText,
  when: freeText,
  where: freeText,
  how: freeText,
  note: optional(freeText),
});

const signature = fc.oneof(
  fc.record({
    role: fc.constantFrom(...SIGNATURE_ROLES),
    signed: fc.constant(true as const),
    name: singleLineText,
    date: calendarDate,
    method: fc.constantFrom(...SIGNATURE_METHODS),
  }),
  fc.record({
    role: fc.constantFrom(...SIGNATURE_ROLES),
    signed: fc.constant(false as const),
    reason: freeText,
  }),
);

const serviceType = fc.constantFrom(...SERVICE_TYPE_CODES).chain((code) =>
  fc.record({
    law: fc.constant(SERVICE_TYPES[code].law),
    serviceType: fc.record({
      code: fc.constant(code),
      name: fc.oneof(fc.constant(SERVICE_TYPES[code].name), singleLineText),
    }),
  }),
);

/** Lists of 0..n items, sometimes with an item repeated: identical rows are two rows. */
const list = <T>(arbitrary: fc.Arbitrary<T>, maxLength = 3) =>
  fc
    .tuple(fc.array(arbitrary, { maxLength }), fc.boolean())
    .map(([items, repeat]) => (repeat && items[0] !== undefined ? [...items, items[0]] : items));
const textModel = <K extends string>(...keys: K[]) =>
  Object.fromEntries(keys.map((key) => [key, optional(freeText)])) as Record<
    K,
    fc.Arbitrary<string | undefined>
  >;
const texts = <K extends string>(...keys: K[]) => fc.record(textModel(...keys));

const rawPlan = fc.record({
  plan: fc
    .record({
      sourcePlanId: singleLineText,
      kind: serviceType,
      municipalityCode: fc.integer({ min: 0, max: 9999 }).map((n) => pad(n, 4)),
      unit: fc.record({ id: singleLineText, name: singleLineText }),
    })
    .map(({ kind, ...rest }) => ({ ...rest, ...kind })),
  person: fc.record({ identityNumber, givenName: singleLineText, familyName: singleLineText }),
  contactPerson: nameAndTitle,
  viceContactPerson: optional(nameAndTitle),
  dates: fc.record({
    interventionStart: calendarDate,
    drawnUp: calendarDate,
    established: optional(calendarDate),
    communicated: optional(calendarDate),
    nextFollowUp: calendarDate,
  }),
  participation: fc.record({
    howPersonTookPart: freeText,
    otherParticipants: list(fc.record({ name: singleLineText, titleOrRelation: singleLineText })),
  }),
  interventions: fc.uniqueArray(intervention, { minLength: 1, maxLength: 4, selector: (i) => i.decisionId }),
  dailyRhythm: optional(texts('morning', 'day', 'evening', 'night')),
  social: optional(
    fc.record({
      activities: optional(freeText),
      interests: optional(freeText),
      importantContacts: list(
        fc.record({
          name: singleLineText,
          relation: singleLineText,
          phone: optional(singleLineText),
          wantsHelpToCall: fc.boolean(),
        }),
      ),
    }),
  ),
  health: optional(
    fc.record({
      ...textModel(
        'allergies',
        'diet',
        'sightHearingSpeech',
        'oralCare',
        'mobility',
        'worry',
        'orientationMemory',
      ),
      alarm: optional(
        fc.record({ type: singleLineText, placement: optional(singleLineText), consent: fc.boolean() }),
      ),
    }),
  ),
  transportService: optional(fc.boolean()),
  medicationHelp: optional(fc.boolean()),
  mobility: optional(
    fc.record({
      indoors: optional(fc.constantFrom(...MOBILITY_AIDS)),
      outdoors: optional(fc.constantFrom(...MOBILITY_AIDS)),
      aids: optional(freeText),
      other: optional(freeText),
    }),
  ),
  needs: optional(texts('meals', 'personalCare', 'household', 'other')),
  approach: optional(freeText),
  otherInformation: optional(freeText),
  sipNote: optional(freeText),
  consents: list(fc.record({ covers: freeText, given: fc.boolean(), date: calendarDate })),
  signatures: list(signature, 4),
  plannerNotification: optional(freeText),
});

/** A random valid canonical plan, exactly as `parseCanonicalPlan` returns it. */
export const validPlan: fc.Arbitrary<Plan> = rawPlan.map((raw) => {
  const result = parseCanonicalPlan(raw);
  if (!result.ok)
    throw new Error(`the plan arbitrary made an invalid plan: ${JSON.stringify(result.issues)}`);
  return result.plan;
});

/** The plan with every list sorted, so two plans compare equal whatever order their lists are in (3.4). */
export function withSortedLists(plan: Plan): Plan {
  const sorted = <T>(items: T[]) =>
    [...items].sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
    );
  return {
    ...plan,
    participation: { ...plan.participation, otherParticipants: sorted(plan.participation.otherParticipants) },
    interventions: sorted(plan.interventions),
    ...(plan.social && {
      social: { ...plan.social, importantContacts: sorted(plan.social.importantContacts) },
    }),
    consents: sorted(plan.consents),
    signatures: sorted(plan.signatures),
  };
}
