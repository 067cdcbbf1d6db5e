import type { Executor, Tx } from './database.js';
import { type NewPlanChange, planChangesInsert } from './repositories/plan-changes.repository.js';
import { WriteSet } from './write-set.js';
import { type Write, writesStatement } from './writes.js';

/**
 * The writes a transaction has decided on and the change-feed rows they cause, held until the
 * transaction ends (or needs the feed ids) and then sent to PostgreSQL together, as one
 * statement of data-modifying CTEs: one round trip for a whole push, its lifecycle steps and
 * dispatch included. Writes of one row are merged first (WriteSet), and the change-feed rows go
 * last, in the order appended, so their ids follow that order. The statement's text depends
 * only on which kinds of write it holds, not on their rows, so it is sent prepared.
 *
 * Nothing held here can be read back before it is sent: a step that must read what an earlier
 * one wrote goes after a flush.
 */
export class PendingWrites {
  readonly #writes = new WriteSet();
  readonly #changes: NewPlanChange[] = [];
  /** The ids of the changes sent so far, by the change as appended. */
  readonly #ids = new Map<NewPlanChange, string>();

  add(...writes: Array<Write | undefined>): void {
    for (const write of writes) if (write) this.#writes.add(write);
  }

  /** Appends rows to the change feed, unnumbered: see plan-changes.repository.ts. */
  appendChanges(changes: readonly NewPlanChange[]): void {
    this.#changes.push(...changes);
  }

  /** The ids of changes appended here (a write-back job names its change), sending what is pending first if need be. */
  async changeIds(trx: Tx, changes: readonly NewPlanChange[]): Promise<string[]> {
    if (changes.some((change) => !this.#ids.has(change))) await this.flush(trx);
    return changes.map((change) => {
      const id = this.#ids.get(change);
      if (id === undefined) throw new Error('a change that was not appended here has no id here');
      return id;
    });
  }

  /** Sends what is pending as one statement: in the transaction, or on its own (WRITES_ONLY). */
  async flush(trx: Executor): Promise<void> {
    const writes = this.#writes.take();
    const changes = this.#changes.splice(0);
    const feed = planChangesInsert(changes);
    const main = feed ?? writes.pop();
    if (!main) return;
    const { rows } = await trx.executeQuery(writesStatement<{ id: string }>(writes, main));
    if (!feed) return;
    // The insert takes ids in the order of its rows (writes.ts).
    const ids = rows.map((row) => row.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    for (const [i, change] of changes.entries()) this.#ids.set(change, ids[i]!);
  }
}

/** Runs `work` with a PendingWrites that is flushed when it returns, inside the caller's transaction. */
export async function withPendingWrites<T>(
  trx: Tx,
  work: (pending: PendingWrites) => Promise<T>,
): Promise<T> {
  const pending = new PendingWrites();
  const result = await work(pending);
  await pending.flush(trx);
  return result;
}
