/** Lifecare envelope metadata (Dokumentinfo/DokumentId, Skapad): written and checked, never plan content. */
import { isCalendarDate } from '../../src/domain/calendar-date.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An RFC 3339 date-time with an offset (`Z` or `±HH:MM`) whose date and time exist. */
export function isDateTimeWithOffset(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const offsetOk = m[6] === 'Z' || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  return isCalendarDate(m[1]!) && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

const stockholmClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2025-03-17T14:02:31+01:00`: the instant as Stockholm wall-clock time with its offset (+01:00 or +02:00). */
export function stockholmDateTime(instant: Date): string {
  const part = Object.fromEntries(stockholmClock.formatToParts(instant).map((p) => [p.type, p.value]));
  const [year, month, day] = [Number(part.year), Number(part.month), Number(part.day)];
  const [hour, minute, second] = [Number(part.hour), Number(part.minute), Number(part.second)];
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round(
    (Date.UTC(year, month - 1, day, hour, minute, second) - wholeSeconds) / 60_000,
  );
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
