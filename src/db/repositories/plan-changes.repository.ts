import { sql } from 'kysely';
import type { Db, Executor } from '../database.js';
import type { PlanChangeRow } from '../schema.js';
import { insertRows, type Write } from '../writes.js';

export interface NewPlanChange {
  planId: string;
  organisation: string;
  version: number;
  kind: string;
  status: string;
  at: Date;
  /** A transition's from/to, an overdue reason and its deadline. */
  detail?: Record<string, string>;
}

/** A change with its position in the feed. */
export type SequencedPlanChange = PlanChangeRow & { seq: string };

const insertPlanChanges = insertRows(
  'plan_changes',
  ['plan_id', 'organisation', 'version', 'kind', 'status', 'at', 'detail'],
  { suffix: 'returning "id"' },
);

/**
 * The insert of change-feed rows, unnumbered: their feed position (`seq`) is handed out after
 * commit by `sequencePlanChanges`, so writers of one organisation never wait for each other.
 * Appended with a transaction's other writes (PendingWrites.appendChanges); ids follow the
 * rows' order.
 */
export function planChangesInsert(changes: readonly NewPlanChange[]): Write | undefined {
  return insertPlanChanges(
    changes.map((c) => ({
      plan_id: c.planId,
      organisation: c.organisation,
      version: c.version,
      kind: c.kind,
      status: c.status,
      at: c.at,
      detail: c.detail ?? null,
    })),
  );
}

/**
 * Numbers the organisation's committed, unnumbered changes in insert order. A poller reads
 * `seq > cursor` and must never skip a row. Only committed rows are numbered, and the
 * per-organisation lock is held until the numbers commit, so a row can never get a position
 * below one a reader has already seen. A plan's own changes are written under its row lock,
 * one transaction after the other, so their ids and hence positions keep their order.
 */
export async function sequencePlanChanges(db: Db, organisation: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`plan_changes:${organisation}`}, 0))`.execute(
      trx,
    );
    // nextval is taken in the order of the ordered subquery's rows.
    await sql`
      update plan_changes set seq = numbered.seq
      from (
        select id, nextval('plan_changes_seq_seq') as seq
        from (select id from plan_changes where organisation = ${organisation} and seq is null order by id) pending
      ) numbered
      where plan_changes.id = numbered.id`.execute(trx);
  });
}

export async function listPlanChanges(
  db: Executor,
  organisation: string,
  after: string,
  limit: number,
): Promise<SequencedPlanChange[]> {
  return db
    .selectFrom('plan_changes')
    .selectAll()
    .where('organisation', '=', organisation)
    .where('seq', '>', after as never)
    .$narrowType<{ seq: string }>()
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}

/** One of the plan's changes by id, numbered in the feed first if it is not yet. */
export async function findSequencedChange(
  db: Db,
  planId: string,
  id: string,
): Promise<PlanChangeRow | undefined> {
  const find = () =>
    db
      .selectFrom('plan_changes')
      .selectAll()
      .where('plan_id', '=', planId)
      .where('id', '=', id)
      .executeTakeFirst();
  const change = await find();
  if (!change || change.seq !== null) return change;
  await sequencePlanChanges(db, change.organisation);
  return find();
}
