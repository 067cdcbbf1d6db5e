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

export function isBlank(value: string): boolean {
  return ONLY_WHITESPACE.test(value);
}

export function trimSingleLine(value: string): string {
  return value.replace(EDGE_WHITESPACE, '');
}

/** CR LF and lone CR become LF. Nothing else changes. */
export function normalizeLineEnds(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Why a trimmed single-line value is not allowed, or undefined when it is. */
export function singleLineProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'must be a single line without control characters';
  if (/[\uFFFE\uFFFF]/.test(value) || LONE_SURROGATE.test(value))
    return 'contains a character that is not allowed';
  if (codePointLength(value) > SINGLE_LINE_MAX) return `must be at most ${SINGLE_LINE_MAX} characters`;
  return undefined;
}

/** Why a line-end-normalised free text is not allowed, or undefined when it is. */
export function freeTextProblem(value: string): string | undefined {
  if (NOT_IN_XML.test(value) || LONE_SURROGATE.test(value)) return 'contains a character that is not allowed';
  if (codePointLength(value) > FREE_TEXT_MAX) return `must be at most ${FREE_TEXT_MAX} characters`;
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
    const items = value.map(pruneEmpty).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, pruneEmpty(item)] as const)
      .filter(([, item]) => item !== undefined);
    // fromEntries defines own properties, so a "__proto__" key stays a plain (rejected) key.
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}
