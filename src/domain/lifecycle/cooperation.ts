/**
 * Routine 003, "Förändrad extern samverkan": "Kontaktman bjuder in samverkansparter till
 * Samverkansmöte … alternativt Samordnad individuell plan (SIP) … vid behov av förändrad
 * samverkan – som kan påverka genomförandeplanens aktiviteter och rutiner." A changed
 * cooperation is recorded with its date and makes the plan due for revision: a follow-up
 * within the policy's days, until a version of the plan is established on or after it.
 */
import { z } from 'zod';
import { addDays, type CalendarDate } from '../calendar-date.js';
import { calendarDate, type Plan, singleLine } from '../plan.js';
import type { Policy } from '../policy/policy.js';
import { freeTextProblem, normalizeLineEnds } from '../text.js';

export const COOPERATION_KINDS = ['samverkansmote', 'sip'] as const; // samverkansmöte, samordnad individuell plan
export type CooperationKind = (typeof COOPERATION_KINDS)[number];

/** Input of a changed cooperation, as the API accepts it. */
export const cooperationSchema = z.strictObject({
  kind: z.enum(COOPERATION_KINDS),
  date: calendarDate,
  parties: z
    .array(singleLine)
    .min(1, { message: 'at least one party is required' })
    .max(50)
    .describe('The invited parties (samverkansparter): region, school, …'),
  note: z
    .string()
    .transform(normalizeLineEnds)
    .superRefine((value, ctx) => {
      const problem = freeTextProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});
export type Cooperation = z.output<typeof cooperationSchema>;

/** A recorded cooperation as the rules see it: what and when. */
export type CooperationEvent = Pick<Cooperation, 'kind' | 'date'>;

export interface CooperationRevision {
  /** The earliest changed cooperation no established version has answered yet. */
  event: CooperationEvent;
  /** event.date + cooperationRevisionWithinDays: the last day the revised plan is on time. */
  dueBy: CalendarDate;
}

/**
 * The revision a changed cooperation calls for, or null when none is outstanding. A version
 * established on or after the event's date is the revision; before that, the earliest
 * unanswered event sets the date.
 */
export function cooperationRevision(
  plan: Plan,
  policy: Policy,
  events: readonly CooperationEvent[],
): CooperationRevision | null {
  const established = plan.dates.established;
  const open = events
    .filter((event) => established === undefined || event.date > established)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const first = open[0];
  if (!first) return null;
  return {
    event: { kind: first.kind, date: first.date },
    dueBy: addDays(first.date, policy.cooperationRevisionWithinDays),
  };
}
