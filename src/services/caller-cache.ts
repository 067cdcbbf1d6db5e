import type { Caller, Clock } from './context.js';

/** Keys kept at most; past it the oldest go first. */
const MAX_ENTRIES = 10_000;

/**
 * The callers of recently presented API keys, by key hash, so that a client's requests do
 * not each look its key up in PostgreSQL. A caller is kept for at most `ttlMs`, which is how
 * long a revoked key goes on working on an API instance that has just seen it. Only valid
 * keys are kept: a wrong key is looked up every time, and the per-address rate limit keeps
 * guessing slow. A `ttlMs` of 0 keeps nothing.
 */
export class CallerCache {
  readonly #entries = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async get(keyHash: string, lookUp: () => Promise<Caller | undefined>): Promise<Caller | undefined> {
    const now = this.clock().getTime();
    const entry = this.#entries.get(keyHash);
    if (entry && entry.expiresAt > now) return entry.caller;
    this.#entries.delete(keyHash);
    const caller = await lookUp();
    if (caller && this.ttlMs > 0) this.#remember(keyHash, caller, now + this.ttlMs);
    return caller;
  }

  #remember(keyHash: string, caller: Caller, expiresAt: number): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(keyHash, { caller, expiresAt });
  }
}
