/**
 * A quick reader for plain XML, the kind nearly every exported document is: an optional
 * XML 1.0 declaration, then elements with ASCII names, attributes, text, the five predefined
 * entities and character references. The moment a document holds anything else (a comment,
 * PI, CDATA section or DOCTYPE, a namespace or prefix, a name beginning with `xml` or outside
 * ASCII, nesting deeper than the limit, any mistake) it gives up and returns undefined, and the
 * strict parser reads the document and words the refusal. It never accepts a document the strict
 * parser refuses and builds the same tree (checked against it by test/fuzz).
 *
 * It expects text already checked by readXml: decoded, line ends normalised, no character
 * XML does not allow.
 */
import { MAX_NESTING_DEPTH } from '../types.js';
import type { XmlAttribute, XmlElement } from './xml-reader.js';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

const DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/;
const RESERVED_NAME = /^xml/i;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const DECIMAL_REFERENCE = /^#[0-9]{1,7}$/;
const HEX_REFERENCE = /^#x[0-9A-Fa-f]{1,6}$/;
const LITERAL_WHITESPACE = /[\t\n]/g;

/** The root element of a plain document, or undefined when the strict parser must read it. */
export function readPlainXml(text: string): XmlElement | undefined {
  // `]]>` may not appear in text; rather than find where it is, leave such documents to saxes.
  if (text.includes(']]>')) return undefined;
  let at = 0;
  if (text.startsWith('<?xml')) {
    const declaration = DECLARATION.exec(text);
    if (!declaration) return undefined;
    at = declaration[0].length;
  }
  at = skipSpace(text, at);
  const stack: XmlElement[] = [];
  while (at < text.length) {
    const parent = stack[stack.length - 1];
    if (text.charCodeAt(at) !== LT) {
      // Text: only inside the root (the space around it has been skipped).
      const end = text.indexOf('<', at);
      if (!parent || end < 0) return undefined;
      const chunk = expandReferences(text.slice(at, end));
      if (chunk === undefined) return undefined;
      parent.text += chunk;
      at = end;
    } else if (text.charCodeAt(at + 1) === SLASH) {
      // An end tag: the name of the open element, optional space, `>`.
      if (!parent || !text.startsWith(parent.localName, at + 2)) return undefined;
      const close = skipSpace(text, at + 2 + parent.localName.length);
      if (text.charCodeAt(close) !== GT) return undefined;
      stack.pop();
      at = close + 1;
      if (stack.length === 0) return endOfDocument(text, at, parent);
    } else {
      if (stack.length >= MAX_NESTING_DEPTH) return undefined;
      const tag = readStartTag(text, at);
      if (!tag) return undefined;
      if (parent) parent.children.push(tag.element);
      at = tag.end;
      if (!tag.empty) stack.push(tag.element);
      else if (!parent) return endOfDocument(text, at, tag.element);
    }
  }
  return undefined;
}

/** After the root only space may follow. */
function endOfDocument(text: string, at: number, root: XmlElement): XmlElement | undefined {
  return skipSpace(text, at) === text.length ? root : undefined;
}

/** `<name attr="value"…>` or `…/>` at `at`; `end` is just past it. */
function readStartTag(
  text: string,
  start: number,
): { element: XmlElement; end: number; empty: boolean } | undefined {
  const nameEnd = scanName(text, start + 1);
  if (nameEnd === undefined) return undefined;
  const localName = text.slice(start + 1, nameEnd);
  const attributes: XmlAttribute[] = [];
  let at = nameEnd;
  for (;;) {
    const next = skipSpace(text, at);
    const code = text.charCodeAt(next);
    if (code === GT || (code === SLASH && text.charCodeAt(next + 1) === GT)) {
      const element: XmlElement = { localName, namespace: '', attributes, children: [], text: '' };
      return code === GT ? { element, end: next + 1, empty: false } : { element, end: next + 2, empty: true };
    }
    // An attribute, after at least one space.
    if (next === at) return undefined;
    const attributeEnd = scanName(text, next);
    if (attributeEnd === undefined) return undefined;
    const name = text.slice(next, attributeEnd);
    let quote = skipSpace(text, attributeEnd);
    if (text.charCodeAt(quote) !== EQUALS) return undefined;
    quote = skipSpace(text, quote + 1);
    const mark = text.charCodeAt(quote);
    if (mark !== QUOTE && mark !== APOSTROPHE) return undefined;
    const close = text.indexOf(mark === QUOTE ? '"' : "'", quote + 1);
    if (close < 0) return undefined;
    const raw = text.slice(quote + 1, close);
    if (raw.includes('<') || attributes.some((attribute) => attribute.name === name)) return undefined;
    // XML 1.0 3.3.3: a literal tab or line end is read as a space; a reference stays itself.
    const value = expandReferences(raw.replace(LITERAL_WHITESPACE, ' '));
    if (value === undefined) return undefined;
    attributes.push({ name, localName: name, namespace: '', value });
    at = close + 1;
  }
}

/** The end of an ASCII name without a colon starting at `at`, or undefined when there is none or it begins with `xml`. */
function scanName(text: string, at: number): number | undefined {
  const first = text.charCodeAt(at);
  if (!(isLetter(first) || first === 0x5f)) return undefined;
  let end = at + 1;
  for (let code = text.charCodeAt(end); isNameChar(code); code = text.charCodeAt(++end));
  return RESERVED_NAME.test(text.slice(at, Math.min(end, at + 3))) ? undefined : end;
}

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isNameChar(code: number): boolean {
  return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d || code === 0x2e;
}

function skipSpace(text: string, at: number): number {
  let code = text.charCodeAt(at);
  while (code === 0x20 || code === 0x0a || code === 0x09) code = text.charCodeAt(++at);
  return at;
}

/** The text with `&name;` and `&#…;` replaced, or undefined for any other use of `&`. */
function expandReferences(raw: string): string | undefined {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let done = 0;
  while (amp >= 0) {
    const semicolon = raw.indexOf(';', amp + 1);
    if (semicolon < 0) return undefined;
    const reference = raw.slice(amp + 1, semicolon);
    const character = Object.hasOwn(PREDEFINED, reference)
      ? PREDEFINED[reference]
      : characterReference(reference);
    if (character === undefined) return undefined;
    out += raw.slice(done, amp) + character;
    done = semicolon + 1;
    amp = raw.indexOf('&', done);
  }
  return out + raw.slice(done);
}

/** `#65` or `#x41` → the character, when it is one XML allows (Char, XML 1.0 2.2). */
function characterReference(reference: string): string | undefined {
  let code: number;
  if (DECIMAL_REFERENCE.test(reference)) code = Number.parseInt(reference.slice(1), 10);
  else if (HEX_REFERENCE.test(reference)) code = Number.parseInt(reference.slice(2), 16);
  else return undefined;
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}
