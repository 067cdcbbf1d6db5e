import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES } from '../types.js';
import { type JsonObject, readJson } from './json-reader.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string) => readJson(bytes(text));
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('readJson', () => {
  it('reads objects as Maps, keeping every JSON value', () => {
    const outcome = read('{"a": [1, -2.5e3, true, false, null, "x\\u00e5\\n\\"\\/"], "b": {}}');
    expect(outcome).toEqual({
      ok: true,
      value: new Map<string, unknown>([
        ['a', [1, -2500, true, false, null, 'xå\n"/']],
        ['b', new Map()],
      ]),
    });
  });

  it('keeps "__proto__" as an ordinary key and never touches a prototype', () => {
    const outcome = read('{"__proto__": {"polluted": true}, "constructor": 1}');
    const value = outcome.ok ? (outcome.value as JsonObject) : undefined;
    expect([...(value?.keys() ?? [])]).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a duplicate key with 400 at its pointer, also deep inside and with escaped names', () => {
    expect(read('{"a": [{"b~/": 1, "b~/": 2}]}')).toEqual({
      ok: false,
      status: 400,
      issues: [{ path: '/a/0/b~0~1', message: 'is a duplicate key' }],
    });
    // The same key spelled with an escape is the same key.
    expect(read('{"å": 1, "\\u00e5": 2}')).toMatchObject({ status: 400, issues: [{ path: '/å' }] });
  });

  it('accepts 32 levels of nesting and refuses 33', () => {
    expect(read(nested(32)).ok).toBe(true);
    expect(read(`{"a": ${nested(31)}}`).ok).toBe(true);
    expect(read(nested(33))).toMatchObject({ ok: false, status: 400 });
    expect(read(`{"a": ${nested(32)}}`)).toMatchObject({
      ok: false,
      status: 400,
      issues: [{ path: expect.stringMatching(/^\/a\/0/) }],
    });
  });

  it('refuses a hostile nesting depth quickly, without a stack overflow', () => {
    expect(read(nested(1_000_000))).toMatchObject({ ok: false, status: 400 });
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t '],
    ['truncated', '{"a": [1, 2'],
    ['truncated string', '{"a": "bc'],
    ['NaN', '{"a": NaN}'],
    ['Infinity', '{"a": -Infinity}'],
    ['a trailing comma', '{"a": 1,}'],
    ['single quotes', "{'a': 1}"],
    ['a comment', '{"a": 1} // note'],
    ['two documents', '{} {}'],
    ['a raw control character in a string', '{"a": "x\ty"}'],
    ['a bad escape', '{"a": "\\x41"}'],
    ['a short \\u escape', '{"a": "\\u12"}'],
    ['a leading zero', '{"a": 01}'],
    ['a bare word', '{"a": yes}'],
  ])('refuses %s with 400 and a position, never the content', (_, text) => {
    const outcome = read(text);
    expect(outcome).toMatchObject({ ok: false, status: 400, issues: [{ path: '' }] });
    if (!outcome.ok) expect(outcome.issues[0]!.message).toMatch(/^is (empty|not well-formed JSON)/);
  });

  it('refuses bytes that are not UTF-8 with 400', () => {
    expect(readJson(Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))).toEqual({
      ok: false,
      status: 400,
      issues: [{ path: '', message: 'is not valid UTF-8' }],
    });
    // An encoded lone surrogate (CESU) is not UTF-8 either.
    expect(readJson(Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toMatchObject({ status: 400 });
  });

  it('ignores a UTF-8 byte order mark, as RFC 8259 allows', () => {
    expect(readJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('{"a": "å"}')]))).toEqual({
      ok: true,
      value: new Map([['a', 'å']]),
    });
  });

  it('keeps a lone surrogate escape as text, for the model to refuse', () => {
    expect(read('"\\ud800"')).toEqual({ ok: true, value: '\ud800' });
    expect(read('"\\ud83d\\ude00"')).toEqual({ ok: true, value: '😀' });
  });

  it('refuses more than 10 MiB with 413 before reading, and reads 10 MiB exactly', () => {
    const over = new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(0x20);
    expect(readJson(over)).toMatchObject({ ok: false, status: 413, issues: [{ path: '' }] });
    const exact = new Uint8Array(MAX_DOCUMENT_BYTES).fill(0x20);
    exact.set(bytes('{"a": "b"}'));
    expect(readJson(exact).ok).toBe(true);
  });

  it('reads a large document in linear time', () => {
    const item = '{"namn": "Åsa \\"Å\\" Öberg\\n", "x": [1, 2, 3]}';
    const text = `[${Array.from({ length: 100_000 }, () => item).join(',')}]`;
    const started = performance.now();
    const outcome = read(text);
    expect(outcome.ok && (outcome.value as unknown[]).length).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
