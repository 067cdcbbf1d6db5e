/**
 * Routine 003: staff document daily "avvikelser och händelser av vikt" (deviations from the
 * plan and events of importance); each month the kontaktman compiles them ("Månatligen:
 * Kontaktman sammanställer") to evaluate goals, routines and a changed need.
 */
import { z } from 'zod';
import { addMonths, type CalendarDate, isCalendarDate } from '../calendar-date.js';
import { calendarDate } from '../plan.js';
import { freeTextProblem, isBlank, normalizeLineEnds } from '../text.js';

export const DEVIATION_KINDS = ['deviation', 'event'] as const; // avvikelse, händelse av vikt

/** Input of a deviation or event, as the API and CLI accept it. */
export const deviationSchema = z.strictObject({
  kind: z.enum(DEVIATION_KINDS),
  date: calendarDate,
  text: z
    .string()
    .transform(normalizeLineEnds)
    .superRefine((value, ctx) => {
      if (isBlank(value)) ctx.addIssue({ code: 'custom', message: 'is required' });
      const problem = freeTextProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});
export type Deviation = z.output<typeof deviationSchema>;

/** A calendar month, `YYYY-MM`. */
export const monthSchema = z.string().refine((value) => isCalendarDate(`${value}-01`), {
  message: 'must be a month written YYYY-MM',
});

export interface MonthlyCompilation<T extends Deviation> {
  month: string;
  /** Avvikelser från genomförandeplan, by date. */
  deviations: T[];
  /** Händelser av vikt, by date. */
  events: T[];
}

/**
 * The compilation for one month ("sammanställer dokumentation: avvikelser från
 * genomförandeplan, händelser av vikt"), each list in date order (stable for the same date,
 * so records keep the order they were made in). Extra fields (ids, plan, recorded by) are kept.
 */
export function monthlyCompilation<T extends Deviation>(
  records: readonly T[],
  month: string,
): MonthlyCompilation<T> {
  const inMonth = records
    .filter((record) => record.date.slice(0, 7) === month)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    month,
    deviations: inMonth.filter((record) => record.kind === 'deviation'),
    events: inMonth.filter((record) => record.kind === 'event'),
  };
}

/** The month a compilation run on `today` covers: the month before (run on Mar 1 → February). */
export function monthToCompile(today: CalendarDate): string {
  return addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
}
