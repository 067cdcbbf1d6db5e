/**
 * The value rules shared by every format (formats/README.md 3.1 and 3.2).
 * Whitespace here means space, TAB, CR and LF only; other spaces (NBSP…) are content.
 */

export const SINGLE_LINE_MAX = 200;
export const FREE_TEXT_MAX = 100_000;

const EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const ONLY_WHITESPACE = /^[ \t\r\n]*$/;
// Characters XML 1.0 cannot carry: C0 controls but TAB, LF (CR is normalised away first), U+FFFE, U+FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Most text has no surrogate at all; this plain class is a cheap pre-check before LONE_SURROGATE's
// lookaround, which is much slower per character.
const SURROGATE = /[\uD800-\uDFFF]/;

export function isBlank(value: string): boolean {
  return ONLY_WHITESPACE.test(value);
}

export function trimSingleLine(value: string): string {
  // Most values have nothing to trim; the regex would still scan them for a trailing run.
  if (!isWhitespace(value.charCodeAt(0)) && !isWhitespace(value.charCodeAt(value.length - 1))) return value;
  return value.replace(EDGE_WHITESPACE, '');
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

/** CR LF and lone CR become LF. Nothing else changes. */
export function normalizeLineEnds(value: string): string {
  return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
}

function hasLoneSurrogate(value: string): boolean {
  return SURROGATE.test(value) && LONE_SURROGATE.test(value);
}

/**
 * Whether `value` has more than `max` code points. A string never has more code points than
 * UTF-16 units, so counting (a walk over the whole string) is needed only when it is longer.
 */
function longerThan(value: string, max: number): boolean {
  return value.length > max && codePointLength(value) > max;
}

export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Why a trimmed single-line value is not allowed, or undefined when it is. */
export function singleLineProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'must be a single line without control characters';
  if (/[\uFFFE\uFFFF]/.test(value) || hasLoneSurrogate(value))
    return 'contains a character that is not allowed';
  if (longerThan(value, SINGLE_LINE_MAX)) return `must be at most ${SINGLE_LINE_MAX} characters`;
  return undefined;
}

/** Why a line-end-normalised free text is not allowed, or undefined when it is. */
export function freeTextProblem(value: string): string | undefined {
  if (NOT_IN_XML.test(value) || hasLoneSurrogate(value)) return 'contains a character that is not allowed';
  if (longerThan(value, FREE_TEXT_MAX)) return `must be at most ${FREE_TEXT_MAX} characters`;
  return undefined;
}

/**
 * Empty is absent (3.2): blank strings, null, {}, [] and list items whose fields are all
 * empty disappear, recursively. `false` and `0` are values and stay.
 */
export function pruneEmpty(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return isBlank(value) ? undefined : value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const kept = pruneEmpty(item);
      if (kept !== undefined) items.push(kept);
    }
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    let empty = true;
    for (const key of Object.keys(value)) {
      const item = pruneEmpty((value as Record<string, unknown>)[key]);
      if (item === undefined) continue;
      empty = false;
      // An assigned "__proto__" would set the prototype; defined, it stays a plain (rejected) key.
      if (key === '__proto__')
        Object.defineProperty(kept, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else kept[key] = item;
    }
    return empty ? undefined : kept;
  }
  return value;
}
