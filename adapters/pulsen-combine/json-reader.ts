/**
 * A strict JSON reader (RFC 8259) for untrusted documents (formats/README.md 3.6, 7.1).
 * `JSON.parse` silently keeps the last of duplicate keys and cannot bound nesting, so this
 * is a small recursive-descent parser: one linear pass, nesting limited to 32, objects as
 * `Map`s (a `"__proto__"` key is an ordinary key, never a prototype).
 *
 * A UTF-8 byte order mark is ignored: RFC 8259 §8.1 lets receivers ignore one, 7.1 repeats
 * it, and refusing it would reject documents that lose no information.
 */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { jsonPointer } from '../../src/domain/field-issue.js';
import { MAX_DOCUMENT_BYTES, MAX_NESTING_DEPTH } from '../types.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

export type JsonReadOutcome =
  | { ok: true; value: JsonValue }
  | { ok: false; status: 400 | 413; issues: FieldIssue[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readJson(document: Uint8Array): JsonReadOutcome {
  if (document.byteLength > MAX_DOCUMENT_BYTES) {
    return refuse(413, '', `is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  let text: string;
  try {
    text = utf8.decode(document);
  } catch {
    return refuse(400, '', 'is not valid UTF-8');
  }
  try {
    return { ok: true, value: new Parser(text).document() };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return refuse(400, error.pointer, error.message);
    throw error;
  }
}

function refuse(status: 400 | 413, path: string, message: string): JsonReadOutcome {
  return { ok: false, status, issues: [{ path, message }] };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
/** The longest stretch of a string that needs no attention: no quote, backslash or control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 forbids raw U+0000–U+001F in strings; this finds them
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

class Parser {
  private pos = 0;
  /** Keys and indexes from the root to the value being read, for error pointers. */
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  document(): JsonValue {
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw this.error('is empty: a JSON object was expected');
    const value = this.value();
    this.skipWhitespace();
    if (this.pos < this.text.length)
      throw this.error('is not well-formed JSON: unexpected text after the document');
    return value;
  }

  private value(): JsonValue {
    if (this.pos >= this.text.length)
      throw this.error('is not well-formed JSON: the document ends too early');
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private enter(): void {
    // path holds one entry per enclosing container below the root, so its length + 1 is the depth.
    if (this.path.length + 1 > MAX_NESTING_DEPTH) {
      throw new JsonSyntaxError(
        jsonPointer(this.path),
        `is nested deeper than ${MAX_NESTING_DEPTH} objects and arrays`,
      );
    }
  }

  private object(): JsonObject {
    this.enter();
    this.pos++;
    const result: JsonObject = new Map();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"')
        throw this.error('is not well-formed JSON: a key in quotes was expected');
      const key = this.string();
      if (result.has(key)) {
        throw new JsonSyntaxError(jsonPointer([...this.path, key]), 'is a duplicate key');
      }
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      this.path.push(key);
      result.set(key, this.value());
      this.path.pop();
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private array(): JsonValue[] {
    this.enter();
    this.pos++;
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      this.path.push(result.length);
      result.push(this.value());
      this.path.pop();
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private string(): string {
    this.pos++;
    let result = '';
    for (;;) {
      PLAIN_RUN.lastIndex = this.pos;
      PLAIN_RUN.test(this.text);
      result += this.text.slice(this.pos, PLAIN_RUN.lastIndex);
      this.pos = PLAIN_RUN.lastIndex;
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) throw this.error('is not well-formed JSON: unterminated string');
      if (code === 0x22) {
        this.pos++;
        return result;
      }
      if (code < 0x20) throw this.error('is not well-formed JSON: control character in a string');
      result += this.escape();
    }
  }

  /** The escape sequence at `pos` (a backslash), consumed. */
  private escape(): string {
    const escaped = this.text[this.pos + 1];
    if (escaped === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!HEX4.test(hex)) throw this.error('is not well-formed JSON: bad \\u escape');
      this.pos += 6;
      // A lone surrogate is kept; the model refuses it as a character that is not allowed (422).
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const unescaped = escaped === undefined ? undefined : ESCAPES[escaped];
    if (unescaped === undefined) throw this.error('is not well-formed JSON: bad escape');
    this.pos += 2;
    return unescaped;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) throw this.error('is not well-formed JSON: unexpected character');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos))
      throw this.error('is not well-formed JSON: unexpected character');
    this.pos += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      throw this.error(
        this.pos >= this.text.length
          ? 'is not well-formed JSON: the document ends too early'
          : `is not well-formed JSON: '${char}' was expected`,
      );
    }
    this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  private error(message: string): JsonSyntaxError {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    return new JsonSyntaxError('', `${message} (line ${line}, column ${column})`);
  }
}
