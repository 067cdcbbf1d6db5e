import { UsageError } from '../usage-error.js';

/** `--concurrency N`: documents in flight; a few keep the CPU busy while others wait on the disk. */
export function concurrencyOption(value: string | undefined): number {
  const concurrency = Number(value ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError('--concurrency must be a whole number from 1 to 256');
  return concurrency;
}
