/**
 * The canonical genomförandeplan: every item of the information set in formats/README.md
 * section 2, under the same neutral names. Lists are always arrays (order carries no
 * meaning); optional groups and items are absent when empty.
 */
import { z } from 'zod';
import { isCalendarDate } from './calendar-date.js';
import { LAWS, MOBILITY_AIDS, SERVICE_TYPE_CODES, SIGNATURE_METHODS, SIGNATURE_ROLES } from './codes.js';
import { checkIdentityNumber } from './identity-number.js';
import { freeTextProblem, normalizeLineEnds, singleLineProblem, trimSingleLine } from './text.js';

/** S: single-line text, trimmed, at most 200 characters. */
export const singleLine = z
  .string()
  .transform(trimSingleLine)
  .superRefine((value, ctx) => {
    if (value === '') ctx.addIssue({ code: 'custom', message: 'is required' });
    const problem = singleLineProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** T: free text, kept exactly except line ends (CR LF, CR → LF). */
const freeText = z
  .string()
  .transform(normalizeLineEnds)
  .superRefine((value, ctx) => {
    const problem = freeTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** D: a calendar date that exists, `YYYY-MM-DD`. */
export const calendarDate = z
  .string()
  .transform(trimSingleLine)
  .refine(isCalendarDate, { message: 'must be a date that exists, written YYYY-MM-DD' });

/** N: personnummer or samordningsnummer, 12 digits. The message never repeats the value. */
const identityNumber = z
  .string()
  .transform(trimSingleLine)
  .superRefine((value, ctx) => {
    const check = checkIdentityNumber(value);
    if (check.ok) return;
    const message = {
      format: 'must be 12 digits YYYYMMDDNNNC',
      date: 'does not hold a real birth date',
      check_digit: 'has a wrong check digit',
    }[check.reason];
    ctx.addIssue({ code: 'custom', message });
  });

const code = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? trimSingleLine(v) : v), z.enum(values));

const nameAndTitle = z.strictObject({ name: singleLine, title: singleLine });

export const interventionSchema = z.strictObject({
  decisionId: singleLine,
  name: singleLine,
  legalBasis: singleLine,
  orderedGoal: freeText,
  individualGoal: freeText,
  plannedGoal: freeText,
  scope: freeText,
  when: freeText,
  where: freeText,
  how: freeText,
  note: freeText.optional(),
});

const signedSignature = z.strictObject({
  role: code(SIGNATURE_ROLES),
  signed: z.literal(true),
  name: singleLine,
  date: calendarDate,
  method: code(SIGNATURE_METHODS),
});

const refusedSignature = z.strictObject({
  role: code(SIGNATURE_ROLES),
  signed: z.literal(false),
  reason: freeText,
});

export const signatureSchema = z.discriminatedUnion('signed', [signedSignature, refusedSignature]);

export const consentSchema = z.strictObject({
  covers: freeText,
  given: z.boolean(),
  date: calendarDate,
});

export const planSchema = z.strictObject({
  plan: z.strictObject({
    sourcePlanId: singleLine,
    law: code(LAWS),
    serviceType: z.strictObject({ code: code(SERVICE_TYPE_CODES), name: singleLine }),
    municipalityCode: z
      .string()
      .transform(trimSingleLine)
      .refine((v) => /^\d{4}$/.test(v), { message: 'must be 4 digits' }),
    unit: z.strictObject({ id: singleLine, name: singleLine }),
  }),
  person: z.strictObject({ identityNumber, givenName: singleLine, familyName: singleLine }),
  contactPerson: nameAndTitle,
  viceContactPerson: nameAndTitle.optional(),
  dates: z.strictObject({
    interventionStart: calendarDate,
    drawnUp: calendarDate,
    established: calendarDate.optional(),
    communicated: calendarDate.optional(),
    nextFollowUp: calendarDate,
  }),
  participation: z.strictObject({
    howPersonTookPart: freeText,
    otherParticipants: z.array(z.strictObject({ name: singleLine, titleOrRelation: singleLine })).default([]),
  }),
  interventions: z.array(interventionSchema).min(1, { message: 'at least one intervention is required' }),
  dailyRhythm: z
    .strictObject({
      morning: freeText.optional(),
      day: freeText.optional(),
      evening: freeText.optional(),
      night: freeText.optional(),
    })
    .optional(),
  social: z
    .strictObject({
      activities: freeText.optional(),
      interests: freeText.optional(),
      importantContacts: z
        .array(
          z.strictObject({
            name: singleLine,
            relation: singleLine,
            phone: singleLine.optional(),
            wantsHelpToCall: z.boolean(),
          }),
        )
        .default([]),
    })
    .optional(),
  health: z
    .strictObject({
      allergies: freeText.optional(),
      diet: freeText.optional(),
      sightHearingSpeech: freeText.optional(),
      oralCare: freeText.optional(),
      mobility: freeText.optional(),
      worry: freeText.optional(),
      orientationMemory: freeText.optional(),
      alarm: z
        .strictObject({ type: singleLine, placement: singleLine.optional(), consent: z.boolean() })
        .optional(),
    })
    .optional(),
  transportService: z.boolean().optional(), // färdtjänst
  medicationHelp: z.boolean().optional(),
  mobility: z
    .strictObject({
      indoors: code(MOBILITY_AIDS).optional(),
      outdoors: code(MOBILITY_AIDS).optional(),
      aids: freeText.optional(),
      other: freeText.optional(),
    })
    .optional(),
  needs: z
    .strictObject({
      meals: freeText.optional(),
      personalCare: freeText.optional(),
      household: freeText.optional(),
      other: freeText.optional(),
    })
    .optional(),
  approach: freeText.optional(), // förhållningssätt
  otherInformation: freeText.optional(),
  sipNote: freeText.optional(),
  consents: z.array(consentSchema).default([]), // samtycken
  signatures: z.array(signatureSchema).default([]),
  plannerNotification: freeText.optional(),
});

/** A canonical plan, as stored and as accepted by `POST /v1/plans`. */
export type Plan = z.output<typeof planSchema>;
export type Intervention = z.output<typeof interventionSchema>;
export type Signature = z.output<typeof signatureSchema>;
export type Consent = z.output<typeof consentSchema>;
