import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTargets } from './parser-properties.js';

/**
 * Mutated fixtures (byte flips, truncation, cuts, repeats, inserted XML/JSON tokens and raw
 * bytes) through every parser of untrusted input: never a throw, a plan the model accepts or
 * a 400/413/422 with issues at paths from the root, and no identity number in any issue message.
 * `npm test` runs a few thousand cases; `npm run fuzz` many more (FUZZ_RUNS, FUZZ_SEED).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED =
  process.env.FUZZ_SEED === undefined
    ? Date.now() ^ (Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED);
if (process.env.FUZZ_RUNS) process.stderr.write(`fuzzing ${RUNS} runs per parser, FUZZ_SEED=${SEED}\n`);

// Long runs are cut into chunks, each a test of its own, so no single test blocks the worker for minutes.
const CHUNK = 2_000;
const chunks = Array.from({ length: Math.ceil(RUNS / CHUNK) }, (_, i) => ({
  chunk: i + 1,
  runs: Math.min(CHUNK, RUNS - i * CHUNK),
  seed: SEED + i,
}));

describe.each(fuzzTargets())('fuzzing the $name with mutated fixtures', ({ property }) => {
  it.each(chunks)(
    'chunk $chunk: $runs cases, seed $seed',
    ({ runs, seed }) => {
      fc.assert(property, { numRuns: runs, seed, endOnFailure: true });
    },
    600_000,
  );
});
