/**
 * Procapita's spellings of codes, dates and booleans → canonical values. Each reader trims
 * (formats/README.md 3.1), treats an empty value as absent (3.2) and reports a bad value at
 * its path without repeating it.
 */
import { fromCompactDate, isCalendarDate } from '../../src/domain/calendar-date.js';
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { stockholmCompactDateTime } from '../../src/domain/stockholm-time.js';
import { trimSingleLine } from '../../src/domain/text.js';

export class ValueReader {
  readonly issues: FieldIssue[] = [];

  /** A code from `table`, or undefined when absent or unknown (then reported). */
  code<T>(raw: string | undefined, table: Record<string, T>, path: string): T | undefined {
    const value = present(raw);
    if (value === undefined) return undefined;
    if (Object.hasOwn(table, value)) return table[value];
    this.issues.push({ path, message: `must be one of ${Object.keys(table).join(', ')}` });
    return undefined;
  }

  /** `YYYYMMDD` → `YYYY-MM-DD`, or undefined when absent or not a real date (then reported). */
  date(raw: string | undefined, path: string): string | undefined {
    const value = present(raw);
    if (value === undefined) return undefined;
    const date = fromCompactDate(value);
    if (date !== undefined && isCalendarDate(date)) return date;
    this.issues.push({ path, message: 'must be a date that exists, written YYYYMMDD' });
    return undefined;
  }

  report(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

/** The trimmed value, or undefined when it is missing or empty. */
export function present(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = trimSingleLine(raw);
  return value === '' ? undefined : value;
}

const EXPORT_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * Whether `YYYYMMDDHHMMSS` is a time that a Stockholm clock shows: a real date and time of day,
 * not inside the hour skipped when summer time starts. Stockholm is UTC+1 or UTC+2, so the
 * local time exists when one of those offsets maps back to it.
 */
export function isStockholmExportTime(value: string): boolean {
  const m = EXPORT_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, ...number[]];
  const asUtc = Date.UTC(year, month! - 1, day, hour, minute, second);
  const roundTrips = new Date(asUtc).toISOString().slice(0, 19).replace(/\D/g, '') === value;
  if (!roundTrips) return false;
  return [1, 2].some((offset) => stockholmCompactDateTime(new Date(asUtc - offset * 3_600_000)) === value);
}
