/**
 * Routine 003, "Förändrat stödbehov": "Kontaktman utvärderar eventuellt förändrat behov utifrån
 * genomförandeplan, som delges LSS-handläggare inför ansökan om behovsbedömning." The
 * kontaktman's evaluation of a changed need is recorded with its date and delivered to the case
 * officer (LSS-handläggare), like a submission: to each submission destination, or to the pull
 * inbox where there is none. The summary is about the person: personal data.
 */
import { z } from 'zod';
import type { CalendarDate } from '../calendar-date.js';
import type { FieldIssue } from '../field-issue.js';
import { calendarDate, singleLine } from '../plan.js';
import { codePointLength, freeTextProblem, isBlank, normalizeLineEnds } from '../text.js';

/** Enough for a page of evaluation; the plan's own free texts carry the rest. */
export const NEED_EVALUATION_SUMMARY_MAX = 10_000;

/** Multi-line text: line ends normalised, not blank, at most NEED_EVALUATION_SUMMARY_MAX characters. */
const summary = z
  .string()
  .transform(normalizeLineEnds)
  .superRefine((value, ctx) => {
    if (isBlank(value)) return ctx.addIssue({ code: 'custom', message: 'is required' });
    const problem = freeTextProblem(value);
    if (problem) return ctx.addIssue({ code: 'custom', message: problem });
    if (codePointLength(value) > NEED_EVALUATION_SUMMARY_MAX)
      ctx.addIssue({ code: 'custom', message: `must be at most ${NEED_EVALUATION_SUMMARY_MAX} characters` });
  })
  .describe("The kontaktman's evaluation of the changed need (utvärdering av förändrat behov)");

/** Input of a need evaluation, as the API accepts it. */
export const needEvaluationSchema = z.strictObject({
  date: calendarDate.describe('The day the kontaktman evaluated the need'),
  summary,
  by: z
    .strictObject({ name: singleLine, title: singleLine })
    .describe('The kontaktman (or other appointed person) who evaluated'),
});
export type NeedEvaluation = z.output<typeof needEvaluationSchema>;

/** An evaluation is of a need seen: it cannot be dated after today (Stockholm). */
export function needEvaluationDateIssues(date: CalendarDate, today: CalendarDate): FieldIssue[] {
  return date > today ? [{ path: '/date', message: 'must not be after today' }] : [];
}

/** Where an evaluation goes: a submission destination by id, `null` for the pull inbox. */
export type NeedEvaluationTarget = string | null;

/**
 * "delges LSS-handläggare": one delivery per active submission destination of the
 * organisation, the same destinations a submitted plan goes to; with none, the pull inbox.
 */
export function needEvaluationTargets(destinationIds: readonly string[]): NeedEvaluationTarget[] {
  return destinationIds.length === 0 ? [null] : [...destinationIds];
}

export const NEED_EVALUATION_STATUSES = ['queued', 'delivered', 'failed', 'acknowledged'] as const;
export type NeedEvaluationStatus = (typeof NEED_EVALUATION_STATUSES)[number];

/** Its first status: queued for a webhook; delivered at once in the inbox, the receiver's mailbox. */
export function initialStatus(target: NeedEvaluationTarget): NeedEvaluationStatus {
  return target === null ? 'delivered' : 'queued';
}

/**
 * The statuses an evaluation may move to `to` from: queued → delivered or failed (a failed one
 * an admin retried may still be delivered), delivered → acknowledged (a receipt for a queued
 * one moves it through delivered).
 */
export function statusesBefore(to: Exclude<NeedEvaluationStatus, 'queued'>): NeedEvaluationStatus[] {
  if (to === 'acknowledged') return ['queued', 'delivered'];
  if (to === 'delivered') return ['queued', 'failed'];
  return ['queued'];
}
