/**
 * Instants as Europe/Stockholm wall-clock time, for the export timestamps of the formats
 * (Procapita EXPORTTID, Lifecare Skapad, Pulsen Combine exporterad). Envelope metadata only:
 * plan content holds calendar dates (calendar-date.ts), never instants.
 */
import { isCalendarDate } from './calendar-date.js';

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

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** `+01:00` in winter, `+02:00` in summer. */
  offset: string;
}

// formatToParts costs some 15 µs a call, and the same seconds recur (each render stamps the
// current time, each Procapita parse checks its EXPORTTID at both Stockholm offsets), so wall
// clocks are kept by epoch second. Bounded: emptied when full.
const wallClocks = new Map<number, WallClock>();
const WALL_CLOCKS_KEPT = 1024;

function wallClock(instant: Date): WallClock {
  // An invalid date has a NaN second: never found, never kept, and formatToParts throws as before.
  const second = Math.floor(instant.getTime() / 1000);
  const known = wallClocks.get(second);
  if (known) return known;
  const clock = formatWallClock(instant);
  if (!Number.isNaN(second)) {
    if (wallClocks.size >= WALL_CLOCKS_KEPT) wallClocks.clear();
    wallClocks.set(second, clock);
  }
  return clock;
}

function formatWallClock(instant: Date): WallClock {
  const parts = stockholmParts.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
    // longOffset is "GMT+01:00", or plain "GMT" at offset zero (never Stockholm, but kept correct).
    offset: part('timeZoneName').replace('GMT', '') || '+00:00',
  };
}

/** `2025-03-17T14:02:31+01:00`: RFC 3339 with the Stockholm offset of that instant. */
export function stockholmDateTime(instant: Date): string {
  const t = wallClock(instant);
  return `${t.year}-${t.month}-${t.day}T${t.hour}:${t.minute}:${t.second}${t.offset}`;
}

/** `20250317140231`: Stockholm local time without separators or offset (Procapita EXPORTTID). */
export function stockholmCompactDateTime(instant: Date): string {
  const t = wallClock(instant);
  return `${t.year}${t.month}${t.day}${t.hour}${t.minute}${t.second}`;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** An RFC 3339 date-time with an offset (`Z` or `±HH:MM`) whose date and time exist. */
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
