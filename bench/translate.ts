// Translate: Procapita → Lifecare conversions/s (parse, canonical plan, render) against bare
// xml2js parsing of the same documents. CPU-bound, so one loop, no concurrency. Goal: ratio ≥ 0.8.
// npm run bench -- translate [--count 2000] [--warmup 200]
// The tasks run in alternating slices after a warm-up, each with the same count and inputs.
import { readFileSync } from 'node:fs';
import xml2js from 'xml2js';
import { readXml } from '../adapters/common/xml-reader.js';
import { formatAdapters } from '../adapters/index.js';
import { alternated } from './support/load.js';
import { integerOptions } from './support/options.js';

const FIXTURES = ['lss-gruppbostad-elias', 'hemtjanst-astrid'].map(
  (name) => new URL(`../../adapters/procapita/fixtures/${name}.procapita.xml`, import.meta.url),
);
const GOAL = 0.8;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 2000, warmup: 200 });
  const documents = FIXTURES.map((f) => readFileSync(f));
  // xml2js takes a string; decoding the ISO-8859-1 bytes is left out of its time (in its favour).
  const texts = documents.map((d) => d.toString('latin1'));
  const { procapita, lifecare } = formatAdapters;
  const context = {
    now: new Date('2026-01-01T00:00:00Z'),
    documentId: '00000000-0000-4000-8000-000000000000',
  };

  const convert = (i: number) => {
    const parsed = procapita.parse(documents[i % documents.length]!);
    if (!parsed.ok) throw new Error(`procapita parse refused a fixture: ${JSON.stringify(parsed.issues)}`);
    const rendered = lifecare.render(parsed.plan, context);
    if (!rendered.ok)
      throw new Error(`lifecare render refused a fixture: ${JSON.stringify(rendered.issues)}`);
  };
  const parseBare = async (i: number) => {
    await xml2js.parseStringPromise(texts[i % texts.length]!);
  };

  console.log(
    `translate: Procapita → Lifecare, ${opts.count} conversions of ${documents.length} example documents`,
  );
  const plans = documents.map((d) => {
    const parsed = procapita.parse(d);
    if (!parsed.ok) throw new Error('procapita parse refused a fixture');
    return parsed.plan;
  });
  const rates = await alternated(opts, {
    adapter: async (i) => convert(i),
    bare: parseBare,
    // The two halves alone, so a slow conversion shows which side to look at.
    parseOnly: async (i) => void procapita.parse(documents[i % documents.length]!),
    renderOnly: async (i) => void lifecare.render(plans[i % plans.length]!, context),
    // The XML reader alone: the floor of the parse side, which maps and validates what it reads.
    readerOnly: async (i) => void readXml(documents[i % documents.length]!, { encoding: 'ISO-8859-1' }),
  });
  console.log(`  adapters (parse + render): ${rates.adapter.perSecond.toFixed(0)} conversions/s`);
  console.log(
    `    procapita parse alone: ${rates.parseOnly.perSecond.toFixed(0)}/s (its XML reader alone: ${rates.readerOnly.perSecond.toFixed(0)}/s), lifecare render alone: ${rates.renderOnly.perSecond.toFixed(0)}/s`,
  );
  console.log(`  bare xml2js parseStringPromise: ${rates.bare.perSecond.toFixed(0)} parses/s`);
  const ratio = rates.adapter.perSecond / rates.bare.perSecond;
  console.log(
    `  ratio adapters/xml2js: ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`,
  );
}
