import { isDatabaseUnavailable } from './availability.js';

export interface GroupCommitOptions<T> {
  /** Writes a group of items in one transaction; throwing fails the whole group. */
  commit(items: readonly T[]): Promise<void>;
  /**
   * Writes one item in a transaction of its own: for each item of a group that failed for
   * another reason than PostgreSQL being away, so one bad item does not fail the others.
   */
  alone(item: T): Promise<void>;
  /** The most items one transaction takes. */
  maxItems: number;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes items that arrive from concurrent work together: whatever arrives while a group's
 * transaction runs goes into the next one, so under load many items share one transaction
 * (its round trips and its commit), and alone an item waits for nothing but its own. Each
 * caller's promise settles only once the transaction holding its item has committed (or
 * failed), so work acknowledged after it is durable. One group at a time per recorder.
 */
export function groupCommit<T>(options: GroupCommitOptions<T>): (item: T) => Promise<void> {
  const waiting: Waiting<T>[] = [];
  let running = false;

  function next(): void {
    if (running || waiting.length === 0) return;
    running = true;
    // The items of work resumed in this turn of the event loop join this group.
    setImmediate(() => {
      void write(waiting.splice(0, options.maxItems)).finally(() => {
        running = false;
        next();
      });
    });
  }

  async function write(group: Waiting<T>[]): Promise<void> {
    try {
      await options.commit(group.map((w) => w.item));
      for (const w of group) w.resolve();
    } catch (error) {
      if (group.length === 1 || isDatabaseUnavailable(error)) {
        for (const w of group) w.reject(error);
        return;
      }
      await Promise.all(group.map((w) => options.alone(w.item).then(w.resolve, w.reject)));
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      next();
    });
}
