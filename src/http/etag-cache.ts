/** Entries kept by default; past it the least recently used go first. */
const MAX_ENTRIES = 20_000;

/**
 * The ETags of computed representations this process has answered with, by what they were
 * computed from: a key that names every input (a plan's status revision, today's date, the
 * caller's projection), so that an entry can never be stale, only missing. A request whose
 * `If-None-Match` names the ETag kept for its key is answered 304 without computing the
 * representation again. Code is part of the input too: the cache starts empty in every process.
 */
export class ETagCache {
  readonly #entries = new Map<string, string>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  get(key: string): string | undefined {
    const etag = this.#entries.get(key);
    if (etag !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, etag);
    }
    return etag;
  }

  set(key: string, etag: string): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, etag);
  }
}
