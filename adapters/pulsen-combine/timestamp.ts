/** `exporterad`: an RFC 3339 date-time with an offset, e.g. `2025-03-17T14:02:31+01:00`. */
import { isCalendarDate } from '../../src/domain/calendar-date.js';

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

export function isDateTimeWithOffset(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [hour, minute, second, offsetHour, offsetMinute] = m.slice(2).map((part) => Number(part ?? 0));
  return (
    isCalendarDate(m[1]!) &&
    hour! < 24 &&
    minute! < 60 &&
    second! < 61 && // 60 is a leap second
    offsetHour! < 24 &&
    offsetMinute! < 60
  );
}

const stockholmParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** The instant as Stockholm wall-clock time with its offset (+01:00 in winter, +02:00 in summer). */
export function stockholmTimestamp(instant: Date): string {
  const parts = stockholmParts.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // longOffset is "GMT+01:00", or plain "GMT" at offset zero (not Stockholm, but kept correct).
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}
