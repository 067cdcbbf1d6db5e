import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { readPlainXml } from '../../adapters/common/xml-plain-reader.js';
import { parseStrictly, readXml } from '../../adapters/common/xml-reader.js';
import { formatAdapters } from '../../adapters/index.js';
import { readJson } from '../../adapters/pulsen-combine/json-reader.js';
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import { normalizeLineEnds } from '../../src/domain/text.js';
import {
  fixtures,
  identityNumbersIn,
  jsonMutations,
  type Mutation,
  mutate,
  xmlMutations,
} from './mutations.js';

type Outcome = { ok: true } | { ok: false; status: number; issues: FieldIssue[] };

/** What every refusal must look like: a known status, issues with paths, no identity number. */
function checkRefusal(outcome: Outcome, secrets: readonly string[]): void {
  if (outcome.ok) return;
  if (![400, 413, 422].includes(outcome.status)) throw new Error(`status ${outcome.status}`);
  if (outcome.issues.length === 0) throw new Error('a refusal without issues');
  for (const issue of outcome.issues) {
    if (typeof issue.path !== 'string' || !(issue.path === '' || issue.path.startsWith('/'))) {
      throw new Error(`issue path ${JSON.stringify(issue.path)} is not "" or a path from the root`);
    }
    if (typeof issue.message !== 'string' || issue.message.length === 0)
      throw new Error('an issue without message');
    // Messages only: a path names the offending element or attribute as the sender spelt it.
    const leaked = secrets.find((s) => issue.message.includes(s));
    if (leaked) throw new Error('an issue repeats an identity number');
  }
}

export interface FuzzTarget {
  name: string;
  property: fc.IPropertyWithHooks<[Buffer, Mutation[]]>;
}

function target(name: string, suffix: string, json: boolean, run: (bytes: Buffer) => Outcome): FuzzTarget {
  const documents = fixtures(suffix);
  if (documents.length === 0) throw new Error(`no fixtures for ${suffix}`);
  const secrets = identityNumbersIn(documents);
  const property = fc.property(
    fc.constantFrom(...documents),
    json ? jsonMutations : xmlMutations,
    (doc, edits) => {
      checkRefusal(run(edits.reduce(mutate, doc)), secrets);
    },
  );
  return { name, property };
}

function adapterTarget(system: keyof typeof formatAdapters, suffix: string, json: boolean): FuzzTarget {
  const adapter = formatAdapters[system];
  return target(`${system} parser`, suffix, json, (bytes) => {
    const outcome = adapter.parse(bytes);
    if (outcome.ok && !parseCanonicalPlan(outcome.plan).ok)
      throw new Error('accepted a plan the model refuses');
    return outcome;
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: readXml refuses these before either reader runs
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/**
 * The quick reader of plain XML against saxes on the same text: whatever the quick one reads,
 * saxes accepts too, with the same tree. (Where it gives up, saxes alone decides.)
 */
function plainReaderTarget(name: string, suffix: string, decode: (bytes: Buffer) => string): FuzzTarget {
  const documents = fixtures(suffix);
  const property = fc.property(fc.constantFrom(...documents), xmlMutations, (doc, edits) => {
    const text = normalizeLineEnds(decode(edits.reduce(mutate, doc)));
    if (NOT_XML_CHAR.test(text)) return;
    const plain = readPlainXml(text);
    if (!plain) return;
    const strict = parseStrictly(text);
    if (!strict.ok)
      throw new Error(`the quick reader accepted what saxes refuses: ${strict.issues[0]?.message}`);
    if (!isDeepStrictEqual(plain, strict.root))
      throw new Error('the quick reader built another tree than saxes');
  });
  return { name, property };
}

/** Every parser of untrusted bytes, fed mutated fixtures of its format. */
export function fuzzTargets(): FuzzTarget[] {
  return [
    adapterTarget('procapita', '.procapita.xml', false),
    adapterTarget('lifecare', '.lifecare.xml', false),
    adapterTarget('pulsen-combine', '.pulsen-combine.json', true),
    target('XML reader', '.xml', false, (bytes) => readXml(bytes, { encoding: 'UTF-8' })),
    target('XML reader (ISO-8859-1)', '.procapita.xml', false, (bytes) =>
      readXml(bytes, { encoding: 'ISO-8859-1' }),
    ),
    target('JSON reader', '.json', true, (bytes) => readJson(bytes)),
    plainReaderTarget('quick XML reader against saxes (ISO-8859-1)', '.procapita.xml', (bytes) =>
      bytes.toString('latin1'),
    ),
    plainReaderTarget('quick XML reader against saxes (UTF-8)', '.xml', (bytes) => bytes.toString('utf8')),
  ];
}
