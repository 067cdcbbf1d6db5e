// Benchmark runner: `npm run bench -- <name> [options]`. Benchmarks are never part of `npm test`.
// Adding one is a file exporting `run(args)` and one line in BENCHMARKS.

/** A benchmark module: runs with the arguments after its name and prints its own figures. */
export interface Benchmark {
  run(args: string[]): Promise<void>;
}

const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  'convert-cli': () => import('./convert-cli.js'),
  'inbox-page': () => import('./inbox-page.js'),
  dispatch: () => import('./dispatch.js'),
  ingest: () => import('./ingest.js'),
  retention: () => import('./retention.js'),
  status: () => import('./status.js'),
  translate: () => import('./translate.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : BENCHMARKS[name];
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]`);
  process.exit(2);
}
await (await load()).run(args);
