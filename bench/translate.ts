// Translate: Procapita → Lifecare conversions/s (parse, canonical plan, render) against bare
// xml2js parsing of the same documents. CPU-bound, so one loop, no concurrency. Goal: ratio ≥ 0.5.
// npm run bench -- translate [--count 2000] [--warmup 200]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import xml2js from 'xml2js';
import { formatAdapters } from '../adapters/index.js';
import { integerOptions } from './support/options.js';

const FIXTURES = ['lss-gruppbostad-elias', 'hemtjanst-astrid'].map(
  (name) => new URL(`../../adapters/procapita/fixtures/${name}.procapita.xml`, import.meta.url),
);
const GOAL = 0.5;

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
  const adapter = await timed(opts, async (i) => convert(i));
  const bare = await timed(opts, parseBare);
  // The two halves alone, so a slow conversion shows which side to look at.
  const plans = documents.map((d) => {
    const parsed = procapita.parse(d);
    if (!parsed.ok) throw new Error('procapita parse refused a fixture');
    return parsed.plan;
  });
  const parseOnly = await timed(opts, async (i) => void procapita.parse(documents[i % documents.length]!));
  const renderOnly = await timed(opts, async (i) => void lifecare.render(plans[i % plans.length]!, context));
  console.log(`  adapters (parse + render): ${adapter.toFixed(0)} conversions/s`);
  console.log(
    `    procapita parse alone: ${parseOnly.toFixed(0)}/s, lifecare render alone: ${renderOnly.toFixed(0)}/s`,
  );
  console.log(`  bare xml2js parseStringPromise: ${bare.toFixed(0)} parses/s`);
  const ratio = adapter / bare;
  console.log(
    `  ratio adapters/xml2js: ${ratio.toFixed(2)} (goal ≥ ${GOAL}) ${ratio >= GOAL ? 'met' : 'NOT met'}`,
  );
}

async function timed(
  opts: { count: number; warmup: number },
  task: (i: number) => Promise<void>,
): Promise<number> {
  for (let i = 0; i < opts.warmup; i++) await task(i);
  const started = performance.now();
  for (let i = 0; i < opts.count; i++) await task(i);
  return opts.count / ((performance.now() - started) / 1000);
}
