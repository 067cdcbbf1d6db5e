import type { BackoffStrategy } from 'bullmq';

/** The `backoff.type` of every planbrygga job; BullMQ hands it to the custom strategy below. */
export const BACKOFF_TYPE = 'planbrygga';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base · 2^(attempt−1))].
 * Jitter spreads the retries of many jobs that failed together (one receiver down), so they
 * do not return as one burst.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** A delivery that may succeed later; carries the receiver's Retry-After when it sent one. */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

export interface BackoffStrategyOptions extends BackoffOptions {
  /** The longest Retry-After honoured; a receiver cannot park a job for days. */
  maxRetryAfterMs: number;
}

/**
 * The Worker's `settings.backoffStrategy`: the receiver's Retry-After when given (bounded),
 * otherwise exponential backoff with full jitter. BullMQ passes the attempt number (1 after
 * the first failure) and the error the processor threw.
 */
export function createBackoffStrategy(options: BackoffStrategyOptions): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    if (error instanceof RetryableDeliveryError && error.retryAfterMs !== null) {
      return Math.min(error.retryAfterMs, options.maxRetryAfterMs);
    }
    return backoffDelay(attemptsMade, options);
  };
}
