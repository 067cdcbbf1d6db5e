import type { Tx } from './database.js';
import { type Write, writesStatement } from './writes.js';

/**
 * Writes a transaction has decided on and that nothing in it reads back, held until the
 * transaction next appends to the change feed (or ends) and then sent to PostgreSQL together,
 * as one statement of data-modifying CTEs: one round trip instead of one a table. The
 * statement's text depends only on which writes it holds, not on their rows, so it is sent
 * prepared.
 *
 * PostgreSQL runs the parts of such a statement in no set order, on one snapshot, and checks
 * foreign keys at its end. So the writes held together must not touch the same row twice, and
 * none may depend on seeing another's rows; a write that must see an earlier one goes after a
 * flush.
 */
export class PendingWrites {
  readonly #writes: Write[] = [];

  add(...writes: Array<Write | undefined>): void {
    for (const write of writes) if (write) this.#writes.push(write);
  }

  /**
   * Sends what is pending as one statement; with `last`, that statement ends in `last`
   * (an insert with `returning`, say) and its rows are returned.
   */
  async flush<Row>(trx: Tx, last?: Write): Promise<Row[]> {
    const writes = this.#writes.splice(0);
    const main = last ?? writes.pop();
    if (!main) return [];
    return (await trx.executeQuery(writesStatement<Row>(writes, main))).rows;
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
