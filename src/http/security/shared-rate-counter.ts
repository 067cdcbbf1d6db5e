import type { Redis } from 'ioredis';

/** A key's count in the current window, this request included, and when the window ends. */
export interface WindowCount {
  count: number;
  resetInMs: number;
}

/** The share of a limit one instance may count on its own between two exchanges with Redis. */
const LOCAL_SHARE = 1 / 20;
/** How long counts made on their own wait before they are added to Redis. */
const FLUSH_MS = 50;
/** Past this many keys, windows that have ended are dropped. */
const SWEEP_ABOVE = 10_000;

interface KeyWindow {
  index: number;
  /** The count Redis last answered for this window. */
  known: number;
  /** Counted here and not sent yet. */
  pending: number;
  /** Sent and not answered yet. */
  inFlight: number;
  /** Redis answered for this window, and its last exchange did not fail. */
  synced: boolean;
}

/**
 * Request counts per key in fixed windows (whole multiples of `windowMs` since the epoch, so
 * every instance agrees on them), kept in Redis so that all API instances share one count.
 *
 * Asking Redis on every request costs a round trip per request, so an instance answers on its
 * own for up to 1/20 of the limit between two exchanges (added to Redis as one increment per
 * key every 50 ms) and asks Redis for the rest. The first request of a key in
 * a window always asks. A count can therefore run over the limit by what other instances have
 * counted and not yet sent: at most 1/20 of the limit per other instance. Limits under 20
 * requests are exact. When Redis does not answer, `hit` answers undefined and the caller
 * lets the request through.
 */
export class SharedRateCounter {
  readonly #windows = new Map<string, KeyWindow>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request of `key` against `max`: its window's count, or undefined without Redis. */
  async hit(key: string, max: number): Promise<WindowCount | undefined> {
    const now = this.clock();
    const index = Math.floor(now / this.windowMs);
    const resetInMs = (index + 1) * this.windowMs - now;
    const window = this.#windowOf(key, index);
    if (window.synced && window.pending < Math.floor(max * LOCAL_SHARE)) {
      window.pending++;
      this.#scheduleFlush();
      return { count: window.known + window.inFlight + window.pending, resetInMs };
    }
    const count = await this.#send(key, window, this.#takePending(window) + 1);
    return count === undefined ? undefined : { count, resetInMs };
  }

  /** Sends what was counted and not sent yet: on shutdown, before the connection closes. */
  async close(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    await this.#flush();
  }

  #windowOf(key: string, index: number): KeyWindow {
    const existing = this.#windows.get(key);
    if (existing?.index === index) return existing;
    if (existing && existing.pending > 0) void this.#send(key, existing, this.#takePending(existing));
    if (this.#windows.size >= SWEEP_ABOVE) this.#sweep(index);
    const window = { index, known: 0, pending: 0, inFlight: 0, synced: false };
    this.#windows.set(key, window);
    return window;
  }

  #takePending(window: KeyWindow): number {
    const n = window.pending;
    window.pending = 0;
    return n;
  }

  /** Adds `n` requests to the window's count in Redis: the total, or undefined when Redis did not answer. */
  async #send(key: string, window: KeyWindow, n: number): Promise<number | undefined> {
    window.inFlight += n;
    try {
      const total = await this.#add(key, window.index, n);
      window.known = Math.max(window.known, total);
      window.synced = true;
      return total;
    } catch {
      window.synced = false;
      return undefined;
    } finally {
      window.inFlight -= n;
    }
  }

  async #add(key: string, index: number, n: number): Promise<number> {
    const redisKey = `${key}:${index}`;
    // Kept a little past the window's end, for instances whose clocks run slightly behind.
    const expiresAt = (index + 1) * this.windowMs + 5_000;
    const results = await this.redis.pipeline().incrby(redisKey, n).pexpireat(redisKey, expiresAt).exec();
    const [error, total] = results?.[0] ?? [new Error('no answer from Redis')];
    if (error) throw error;
    return Number(total);
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#flush();
    }, FLUSH_MS);
    this.#flushTimer.unref();
  }

  async #flush(): Promise<void> {
    const sends = [...this.#windows].flatMap(([key, window]) =>
      window.pending > 0 ? [this.#send(key, window, this.#takePending(window))] : [],
    );
    await Promise.all(sends);
  }

  #sweep(currentIndex: number): void {
    for (const [key, window] of this.#windows) {
      if (window.index < currentIndex && window.pending === 0 && window.inFlight === 0)
        this.#windows.delete(key);
    }
  }
}
