import { performance } from 'node:perf_hooks';

export interface LoadResult {
  count: number;
  seconds: number;
  perSecond: number;
}

/**
 * Calls `task(i)` for i in [0, count) with at most `concurrency` calls in flight and times
 * the whole. The first failure stops the run: a benchmark of failing requests measures nothing.
 */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<LoadResult> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { count, seconds, perSecond: count / seconds };
}

export function formatRate(r: LoadResult, unit: string): string {
  return `${r.perSecond.toFixed(0)} ${unit}/s (${r.count} in ${r.seconds.toFixed(2)} s)`;
}
