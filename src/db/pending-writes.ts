import { type Compilable, type OperationNodeSource, sql } from 'kysely';
import type { Tx } from './database.js';

/** A kysely insert, update or delete, built but not executed. */
export type Write = Compilable & OperationNodeSource;

/**
 * Writes a transaction has decided on and that nothing in it reads back, held until the
 * transaction next appends to the change feed (or ends) and then sent to PostgreSQL together,
 * as one statement of data-modifying CTEs: one round trip instead of one a table.
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
   * (an insert with RETURNING, say) and its rows are returned.
   */
  async flush<Row>(trx: Tx, last?: Write): Promise<Row[]> {
    const writes = this.#writes.splice(0);
    const main = last ?? writes.pop();
    if (!main) return [];
    if (writes.length === 0) return (await trx.executeQuery<Row>(main.compile())).rows;
    const ctes = writes.map((write, i) => sql`${sql.raw(`pending_${i}`)} as (${write})`);
    return (await sql<Row>`with ${sql.join(ctes)} ${main}`.execute(trx)).rows;
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
