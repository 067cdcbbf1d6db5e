/**
 * Swedish personal identity numbers (personnummer) and co-ordination numbers
 * (samordningsnummer), always in the 12-digit form `YYYYMMDDNNNC`.
 */
import { daysInMonth } from './calendar-date.js';

export type IdentityNumberKind = 'personnummer' | 'samordningsnummer';

export type IdentityNumberCheck =
  | { ok: true; kind: IdentityNumberKind }
  | { ok: false; reason: 'format' | 'date' | 'check_digit' };

const TWELVE_DIGITS = /^\d{12}$/;

/** Validates the 12-digit form: real birth date (day + 60 for a samordningsnummer) and Luhn check digit. */
export function checkIdentityNumber(value: string): IdentityNumberCheck {
  if (!TWELVE_DIGITS.test(value)) return { ok: false, reason: 'format' };
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  const kind: IdentityNumberKind = day > 60 ? 'samordningsnummer' : 'personnummer';
  const birthDay = kind === 'samordningsnummer' ? day - 60 : day;
  if (!isRealDate(year, month, birthDay)) return { ok: false, reason: 'date' };
  if (luhnCheckDigit(value.slice(2, 11)) !== Number(value[11])) return { ok: false, reason: 'check_digit' };
  return { ok: true, kind };
}

export function identityNumberKind(value: string): IdentityNumberKind {
  return Number(value.slice(6, 8)) > 60 ? 'samordningsnummer' : 'personnummer';
}

/** `YYYYMMDDNNNC` → `YYYYMMDD-NNNC` (the Lifecare spelling). */
export function withDash(value: string): string {
  return `${value.slice(0, 8)}-${value.slice(8)}`;
}

/** Check digit over nine digits `YYMMDDNNN`: weights 2,1,2,1…, digit sums, (10 − sum mod 10) mod 10. */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

// YYYYMMDDNNNC with or without the dash (and the 10-digit YYMMDDNNNC), not inside longer digit runs.
const IDENTITY_NUMBER_SHAPE = /(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)/g;

/** Replaces anything shaped like a personnummer or samordningsnummer: for text that leaves the service (logs, error messages). */
export function maskIdentityNumbers(text: string): string {
  return text.replace(IDENTITY_NUMBER_SHAPE, '[identity number]');
}
