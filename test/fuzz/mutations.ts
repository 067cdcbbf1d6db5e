import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';

/** One edit of a document's bytes; positions are fractions of its length, so any edit fits any document. */
export type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete' | 'duplicate'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

const XML_TOKENS = [
  '<',
  '>',
  '</',
  '/>',
  '<a>',
  '</a>',
  '<a/>',
  '<!DOCTYPE x>',
  '<!DOCTYPE x [<!ENTITY e "e">]>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?pi x?>',
  '<?xml version="1.0" encoding="UTF-16"?>',
  '&amp;',
  '&lt;',
  '&e;',
  '&#0;',
  '&#x110000;',
  '&#xD800;',
  '&#65;',
  '&',
  '"',
  "'",
  '=',
  ' xmlns="urn:x"',
  ' xmlns:p="urn:y"',
  ' xml:lang="sv"',
  ' xsi:nil="true"',
  'p:',
  '\u0000',
  '\uFFFE',
  '\u0085',
  'ÅÄÖ',
  '😀',
  '\r\n',
  '\t',
  ' ',
  '193808149821',
];
const JSON_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u0000',
  '\\ud800',
  '\\uDC00\\uD800',
  '\\x',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e999',
  '0.1e-400',
  '01',
  '1.',
  'null',
  'true',
  'false',
  '""',
  '"__proto__":{"polluted":1},',
  '"constructor":{"prototype":{"polluted":1}},',
  '"toString":1,',
  '\uFEFF',
  '\u2028',
  '😀',
  '\t',
  '\n',
  ' ',
  '{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}',
  '"personnummer":"193808149821",',
];
/** Raw bytes that are suspicious in either encoding: lone UTF-8 lead and continuation bytes, BOMs, C1. */
const RAW = [
  [0xc3],
  [0x80],
  [0xff, 0xfe],
  [0xfe, 0xff],
  [0xef, 0xbb, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x9f],
];

/** Inserts that usually keep a document well-formed, so the edit reaches the format's rules. */
const BENIGN = ['0', '9', '-', ' ', 'x', 'Å', '13', '2025-02-30', 'true', 'ja', 'X', '.', '\u00a0', '+'];

// Unbiased: fast-check favours small values, which would put most edits in the XML declaration.
const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

export function mutationArbitrary(tokens: readonly string[]): fc.Arbitrary<Mutation> {
  const inserted = fc.oneof(
    fc.constantFrom(...tokens).map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
    fc.constantFrom(...RAW).map((b) => new Uint8Array(b)),
    fc.uint8Array({ minLength: 1, maxLength: 6 }),
  );
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: position, mask: fc.integer({ min: 1, max: 255 }) }),
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: position,
        bytes: fc.constantFrom(...BENIGN).map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('flip' as const),
        at: position,
        mask: fc.integer({ min: 1, max: 3 }),
      }),
    },
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({
      kind: fc.constantFrom('delete' as const, 'duplicate' as const),
      at: position,
      length: fc.integer({ min: 1, max: 64 }),
    }),
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, bytes: inserted }),
    },
  );
}

export const xmlMutations = fc.array(mutationArbitrary(XML_TOKENS), { minLength: 1, maxLength: 3 });
export const jsonMutations = fc.array(mutationArbitrary(JSON_TOKENS), { minLength: 1, maxLength: 3 });

export function mutate(body: Buffer, m: Mutation): Buffer {
  const at = Math.floor(m.at * body.length);
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(body);
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ m.mask;
      return copy;
    }
    case 'truncate':
      return body.subarray(0, at);
    case 'delete':
      return Buffer.concat([body.subarray(0, at), body.subarray(at + m.length)]);
    case 'duplicate':
      return Buffer.concat([body.subarray(0, at + m.length), body.subarray(at)]);
    case 'insert':
      return Buffer.concat([body.subarray(0, at), m.bytes, body.subarray(at)]);
  }
}

/** Every fixture of a format: the shared examples and the adapter's own edge cases. */
export function fixtures(suffix: string): Buffer[] {
  const folders = [
    new URL('../adapters/fixtures/', import.meta.url),
    ...['procapita', 'lifecare', 'pulsen-combine'].map(
      (a) => new URL(`../../adapters/${a}/fixtures/`, import.meta.url),
    ),
  ];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith(suffix))
      .map((name) => readFileSync(new URL(name, folder))),
  );
}

/** Every spelling of every identity number in the documents: what no issue may repeat. */
export function identityNumbersIn(documents: readonly Buffer[]): string[] {
  const found = new Set<string>();
  for (const doc of documents) {
    for (const [, date, serial] of doc.toString('latin1').matchAll(/(?<!\d)(\d{8})-?(\d{4})(?!\d)/g)) {
      for (const spelling of [`${date}${serial}`, `${date}-${serial}`, `${date?.slice(2)}-${serial}`])
        found.add(spelling);
    }
  }
  return [...found];
}
