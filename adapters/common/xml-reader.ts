/**
 * The safe XML reader shared by the XML adapters (formats/README.md 3.6, 5.1, 6.1): size limit,
 * encoding by the XML declaration, no DOCTYPE, bounded depth, strict well-formedness.
 *
 * Parsing uses saxes, a strict, namespace-aware XML 1.0 parser; the tree is built from its
 * events. Plain documents (xml-plain-reader.ts) are read by a quicker scanner giving the same tree. (It replaced sax, the parser xml2js drives: saxes enforces XML's rules on names,
 * entities, references and the declaration itself, and reads a Procapita export about four
 * times as fast, sax's character-by-character text building being mostly garbage collection.)
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { maskIdentityNumbers } from '../../src/domain/identity-number.js';
import { normalizeLineEnds } from '../../src/domain/text.js';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH } from '../types.js';
import { type DocumentEncoding, detectEncoding } from './xml-encoding.js';
import { readPlainXml } from './xml-plain-reader.js';

/** One attribute; `namespace` is '' for an unprefixed attribute. */
export interface XmlAttribute {
  name: string;
  localName: string;
  namespace: string;
  value: string;
}

/** One element with its attributes, element children and directly contained character data. */
export interface XmlElement {
  /** Name without prefix. */
  localName: string;
  /** Namespace URI, '' when none. */
  namespace: string;
  /** Attributes in document order; xmlns declarations excluded. */
  attributes: XmlAttribute[];
  /** Element children in document order. */
  children: XmlElement[];
  /** All character data directly inside (text, CDATA, character references) in order; comments and PIs ignored. */
  text: string;
}

export type XmlReadResult =
  | { ok: true; root: XmlElement }
  | { ok: false; status: 400 | 413; issues: FieldIssue[] };

export interface XmlReadOptions {
  /**
   * The format's encoding: the only one besides UTF-8 a document may declare. A document that
   * declares none is UTF-8 (XML 1.0 appendix F), also in a format that is usually ISO-8859-1.
   */
  encoding: DocumentEncoding;
}

// Characters XML 1.0 cannot carry, literally or as a reference (CR is normalised before this check).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Reads a whole XML document into a tree, or says why it cannot be read (400) or is too large (413). */
export function readXml(bytes: Uint8Array, options: XmlReadOptions): XmlReadResult {
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    return refuse(413, `the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  const decoded = decode(bytes, options.encoding);
  if (typeof decoded !== 'string') return decoded;
  if (/^[ \t\r\n]*$/.test(decoded)) return refuse(400, 'the document is empty');
  // XML 1.0 section 2.11: literal CR LF and lone CR are read as LF (a &#13; reference stays CR).
  const text = normalizeLineEnds(decoded);
  if (NOT_XML_CHAR.test(text)) return refuse(400, 'the document contains a character XML does not allow');
  // Plain documents are read by a quick scanner; anything it does not know goes to saxes.
  const plain = readPlainXml(text);
  return plain ? { ok: true, root: plain } : parseStrictly(text);
}

function decode(bytes: Uint8Array, expected: DocumentEncoding): string | XmlReadResult {
  const encoding = detectEncoding(bytes, expected);
  if (!encoding.ok) return refuse(400, encoding.message);
  if (encoding.encoding === 'ISO-8859-1') {
    // latin1 maps every byte to the code point of the same value. TextDecoder('iso-8859-1') is
    // windows-1252 per the WHATWG Encoding standard and would turn 0x80–0x9F into other characters.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refuse(
      400,
      encoding.by === 'default'
        ? 'the document declares no encoding, so it is read as UTF-8 (XML 1.0 appendix F), and it is not valid UTF-8'
        : 'the document is not valid UTF-8',
    );
  }
}

const NO_DOCTYPE = 'a DOCTYPE declaration is not allowed';
const DOCTYPE = /<!doctype/i;
// saxes starts its messages with `line:column: `; ours end with the position in words.
const SAXES_POSITION = /^\d+:\d+: /;

/** Thrown from parser handlers to stop parsing at the first problem. */
class Unreadable extends Error {}

/** Reads decoded, normalised text with saxes (readXml's checks done); exported to compare the quick reader with. */
export function parseStrictly(text: string): XmlReadResult {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new Unreadable(`${message} (line ${parser.line}, column ${parser.column + 1})`);
  };

  // saxes knows only the five predefined entities (in a table without a prototype), and refuses a
  // misplaced or malformed XML declaration, any other entity, `&#X41;`,
  // references to characters XML does not allow, duplicate attributes, unbound prefixes and
  // anything after the root; the rules below are ours.
  parser.on('error', (error) => {
    // saxes announces a DOCTYPE only where it ends: one left open, or spelt `<!doctype`, fails
    // as something else first. Before the root, only a DOCTYPE (or a comment quoting one) holds that text.
    if (!root && DOCTYPE.test(text.slice(0, parser.position))) fail(NO_DOCTYPE);
    fail(firstLine(error.message).replace(SAXES_POSITION, ''));
  });
  parser.on('doctype', () => fail(NO_DOCTYPE));
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_NESTING_DEPTH)
      fail(`elements are nested deeper than ${MAX_NESTING_DEPTH} levels`);
    const element: XmlElement = {
      localName: tag.local,
      namespace: tag.uri,
      attributes: attributesOf(tag),
      children: [],
      text: '',
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (chunk: string) => {
    const current = stack[stack.length - 1];
    if (current) current.text += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof Unreadable)
      // The parser quotes the offending text, which may hold an identity number.
      return refuse(400, `the document is not well-formed XML: ${maskIdentityNumbers(error.message)}`);
    throw error;
  }
  if (!root) return refuse(400, 'the document has no root element');
  return { ok: true, root };
}

/** The element's attributes in document order, without namespace declarations. */
function attributesOf(tag: SaxesTagNS): XmlAttribute[] {
  const attributes: XmlAttribute[] = [];
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.name === 'xmlns' || attribute.prefix === 'xmlns') continue;
    attributes.push({
      name: attribute.name,
      localName: attribute.local,
      namespace: attribute.uri,
      value: attribute.value,
    });
  }
  return attributes;
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end < 0 ? message : message.slice(0, end);
}

function refuse(status: 400 | 413, message: string): XmlReadResult {
  return { ok: false, status, issues: [{ path: '', message }] };
}

/** The path of an element's child per formats/README.md 3.8: `/A/B[2]` only when the name repeats. */
export function childPath(parentPath: string, parent: XmlElement, child: XmlElement): string {
  let count = 0;
  let position = 0;
  for (const sibling of parent.children) {
    if (sibling.localName !== child.localName) continue;
    count++;
    if (sibling === child) position = count;
  }
  return count > 1 ? `${parentPath}/${child.localName}[${position}]` : `${parentPath}/${child.localName}`;
}

/** The paths of all children of an element, in one pass (same rules as {@link childPath}). */
export function childPaths(parentPath: string, parent: XmlElement): string[] {
  const totals = new Map<string, number>();
  for (const child of parent.children) totals.set(child.localName, (totals.get(child.localName) ?? 0) + 1);
  const seen = new Map<string, number>();
  return parent.children.map((child) => {
    const position = (seen.get(child.localName) ?? 0) + 1;
    seen.set(child.localName, position);
    return totals.get(child.localName)! > 1
      ? `${parentPath}/${child.localName}[${position}]`
      : `${parentPath}/${child.localName}`;
  });
}

/** The path of an attribute of the element at `elementPath`: `/A/B/@NAME`. */
export function attributePath(elementPath: string, name: string): string {
  return `${elementPath}/@${name}`;
}
