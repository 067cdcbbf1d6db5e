import { availableParallelism } from 'node:os';
import { UsageError } from '../usage-error.js';

const DEFAULT_WORKERS = availableParallelism() > 1 ? Math.min(availableParallelism(), 4) : 0;

/** `--concurrency N`: documents in flight, for the worker threads (and stdin/file conversions). */
export function concurrencyOption(value: string | undefined): number {
  const concurrency = Number(value ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError('--concurrency must be a whole number from 1 to 256');
  return concurrency;
}

/**
 * `--workers N`: threads that parse and render a folder's files; 0 does it all in the main
 * thread. By default one per core up to 4: parsing is CPU-bound, and the cost is about 50 MiB.
 * (On 2 cores shared with other busy work the gain varied with that work: 0.8x to 1.9x.)
 */
export function workersOption(value: string | undefined): number {
  const workers = Number(value ?? DEFAULT_WORKERS);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64)
    throw new UsageError('--workers must be a whole number from 0 to 64');
  return workers;
}
