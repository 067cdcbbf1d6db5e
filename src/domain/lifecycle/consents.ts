/**
 * Routine 003: "Kund erbjuds att förnya alternativt återta samtycken" — at follow-up the
 * person renews or withdraws consents. A renewal or withdrawal is recorded with its date
 * (outside any version, so it stays visible in later versions) and merged with the consents
 * the current version carries.
 */
import type { CalendarDate } from '../calendar-date.js';
import type { Consent } from '../plan.js';

/** A renewal (`given: true`) or withdrawal (`given: false`), as recorded through the API. */
export type ConsentRecord = Consent;

export interface ConsentStatus {
  covers: string;
  given: boolean;
  date: CalendarDate;
  /** Where the deciding entry came from. */
  source: 'plan' | 'record';
  /** Every entry about the same consent, newest first: the consent's history. */
  history: { given: boolean; date: CalendarDate; source: 'plan' | 'record' }[];
}

/**
 * One line per consent: the entry with the latest date decides, from the plan version or a
 * record alike (a later version that says the consent was given again wins over an older
 * withdrawal, and a withdrawal recorded after the version wins over it). On the same date a
 * record wins over the plan (it is an explicit act about the consent), and a later record
 * over an earlier one. Consents are matched on `covers` with surrounding whitespace, runs of
 * whitespace and letter case disregarded, since the text is typed by people in two systems.
 */
export function mergeConsents(
  planConsents: readonly Consent[],
  records: readonly ConsentRecord[],
): ConsentStatus[] {
  const entries = [
    ...planConsents.map((consent) => ({ ...consent, source: 'plan' as const })),
    ...records.map((record) => ({ ...record, source: 'record' as const })),
  ];
  const groups = new Map<string, typeof entries>();
  for (const entry of entries) {
    const key = consentKey(entry.covers);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()].map((group) => {
    // Later in `entries` is plan before record and earlier record before later record; on a
    // tie of dates the later position wins.
    const newestFirst = group
      .map((entry, position) => ({ entry, position }))
      .sort((a, b) =>
        a.entry.date !== b.entry.date ? (a.entry.date < b.entry.date ? 1 : -1) : b.position - a.position,
      )
      .map(({ entry }) => entry);
    const decisive = newestFirst[0]!;
    return {
      covers: decisive.covers,
      given: decisive.given,
      date: decisive.date,
      source: decisive.source,
      history: newestFirst.map(({ given, date, source }) => ({ given, date, source })),
    };
  });
}

function consentKey(covers: string): string {
  return covers.trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');
}
