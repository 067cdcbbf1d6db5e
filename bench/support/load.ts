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

const ROUNDS = 10;

/**
 * Rates of tasks measured in turns: each is warmed up, then they take turns in ROUNDS slices of
 * `count / ROUNDS` calls (at most `concurrency` in flight), so that a change in machine load
 * during the run weighs on all of them alike instead of on whichever happened to run then.
 * Calls get distinct numbers: 0 … warmup − 1 in the warm-up, then warmup … warmup + count − 1.
 */
export async function alternated<K extends string>(
  opts: { count: number; warmup: number; concurrency?: number },
  tasks: Record<K, (i: number) => Promise<void>>,
): Promise<Record<K, LoadResult>> {
  const names = Object.keys(tasks) as K[];
  const concurrency = opts.concurrency ?? 1;
  for (const name of names) await runConcurrently(opts.warmup, concurrency, tasks[name]);
  const seconds = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  for (let round = 0; round < ROUNDS; round++) {
    const start = Math.ceil((opts.count * round) / ROUNDS);
    const slice = Math.ceil((opts.count * (round + 1)) / ROUNDS) - start;
    for (const name of names) {
      const task = tasks[name];
      const result = await runConcurrently(slice, concurrency, (i) => task(opts.warmup + start + i));
      seconds[name] += result.seconds;
    }
  }
  const rate = (name: K): LoadResult => ({
    count: opts.count,
    seconds: seconds[name],
    perSecond: opts.count / seconds[name],
  });
  return Object.fromEntries(names.map((name) => [name, rate(name)])) as Record<K, LoadResult>;
}
