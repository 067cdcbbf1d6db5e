import type { Logger } from '../logger.js';

/** Socket errors of a server that is gone, restarting or out of reach. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * SQLSTATEs of a database that is away rather than of a statement that is wrong: class 08
 * (connection exception), shutting down or starting up (57P01–57P03), a statement cut off by
 * statement_timeout (57014), too many connections (53300).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[1-3]|57014|53300)$/;

/** node-postgres's own words for a connection that broke, timed out or was never made. */
const CLIENT_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed)/;

/**
 * True when `error` (or an error it wraps) says PostgreSQL is unreachable, restarting or too
 * slow to answer in time: the request or job may succeed later, unchanged.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code) || CLIENT_MESSAGES.test(e.message)) {
      return true;
    }
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/**
 * Logs PostgreSQL going away once, and its return once, however many connections and
 * requests fail in between: an outage is one warning and one recovery line, not a line per
 * request.
 */
export class DatabaseAvailability {
  #downSince: number | null = null;

  constructor(private readonly logger: Logger | undefined) {}

  /** A connection or statement failed because the database is away. */
  lost(error: unknown): void {
    if (this.#downSince !== null) return;
    this.#downSince = Date.now();
    this.logger?.warn(
      { err: error },
      'PostgreSQL is unreachable; requests answer 503 and jobs wait until it answers again',
    );
  }

  /**
   * A statement was answered on a connection made at `connectedAt`: the database is back,
   * unless that connection is older than the outage. PostgreSQL ends its sessions one by one
   * as it shuts down, so an old connection may still answer between the failures of others.
   */
  answered(connectedAt: number): void {
    if (this.#downSince === null || connectedAt < this.#downSince) return;
    const downMs = Date.now() - this.#downSince;
    this.#downSince = null;
    this.logger?.info({ downMs }, 'PostgreSQL reachable again');
  }

  get down(): boolean {
    return this.#downSince !== null;
  }
}

export interface RetryWhileUnavailableOptions {
  /** Gives up (throws the last error) after this long. */
  maxWaitMs: number;
  /** Gives up when this aborts (a worker shutting down). */
  signal?: AbortSignal;
}

/**
 * Runs `work` again while it fails because the database is away, pausing ¼ s and doubling to
 * 1 s between tries: for a write that records something already done elsewhere (a delivery
 * the receiver has), which must not be lost to an outage of a few seconds.
 */
export async function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  { maxWaitMs, signal }: RetryWhileUnavailableOptions,
): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 1_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || signal?.aborted || Date.now() + pauseMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
