import type { Executor } from '../db/database.js';
import {
  findStatusRevisions,
  type StatusRevisionRow,
} from '../db/repositories/status-revision.repository.js';

/** Plans read in one statement at most. */
const MAX_BATCH = 200;

interface Waiter {
  resolve: (row: StatusRevisionRow | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Status polls that arrive together share one statement: the revisions asked for while the
 * event loop handles one round of I/O are read right after it (setImmediate), one statement per
 * organisation and up to MAX_BATCH plans. Many pollers at once cost PostgreSQL a few statements
 * instead of one each; a lone poll waits for nothing but the end of its round.
 */
export class StatusRevisionBatch {
  /** Organisation → plan id (lower case) → who waits for it. */
  #pending = new Map<string, Map<string, Waiter[]>>();
  #scheduled = false;

  constructor(private readonly db: Executor) {}

  /** The plan's status revision, or undefined when the organisation has no such plan. */
  read(organisation: string, id: string): Promise<StatusRevisionRow | undefined> {
    return new Promise((resolve, reject) => {
      const plans = this.#pending.get(organisation) ?? new Map<string, Waiter[]>();
      this.#pending.set(organisation, plans);
      const key = id.toLowerCase();
      const waiters = plans.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else plans.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const pending = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    for (const [organisation, plans] of pending) {
      const ids = [...plans.keys()];
      for (let start = 0; start < ids.length; start += MAX_BATCH) {
        void this.#readBatch(organisation, ids.slice(start, start + MAX_BATCH), plans);
      }
    }
  }

  async #readBatch(organisation: string, ids: string[], plans: Map<string, Waiter[]>): Promise<void> {
    try {
      const rows = new Map((await findStatusRevisions(this.db, organisation, ids)).map((r) => [r.id, r]));
      for (const id of ids) for (const waiter of plans.get(id) ?? []) waiter.resolve(rows.get(id));
    } catch (error) {
      for (const id of ids) for (const waiter of plans.get(id) ?? []) waiter.reject(error);
    }
  }
}
