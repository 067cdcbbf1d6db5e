import { type Kysely, sql } from 'kysely';
import { insertRows, type Write } from '../../db/writes.js';
import type { JobTables, OutboxRow } from '../schema.js';

/** Any Kysely or transaction whose database includes the job tables. */
export type JobsExecutor = Kysely<JobTables>;

/**
 * The job tables seen through the application's own database type. Kysely types are
 * invariant in the database, so a `Kysely<Database>` is not a `Kysely<JobTables>` even when
 * `Database extends JobTables`; this is the one place that says it is.
 */
export function jobTables<DB extends JobTables>(db: Kysely<DB>): JobsExecutor {
  return db as unknown as JobsExecutor;
}

export interface NewOutboxRow {
  kind: string;
  payload: Readonly<Record<string, unknown>>;
}

const RETURNING = { suffix: 'returning "id", "webhook_id"' };
const insertJobs = insertRows('outbox', ['kind', 'payload'], RETURNING);
const insertHeldJobs = insertRows('outbox', ['kind', 'payload', 'available_at'], RETURNING);

/**
 * The insert of outbox rows, available to the relay from `availableAt` (else the database's
 * now()); it returns their ids and webhook ids. No rows, no write.
 */
export function outboxInsert(rows: readonly NewOutboxRow[], availableAt?: Date): Write | undefined {
  return availableAt
    ? insertHeldJobs(rows.map((row) => ({ ...row, available_at: availableAt })))
    : insertJobs(rows);
}

/**
 * Locks up to `limit` due, unrelayed rows of the given kinds, oldest first. SKIP LOCKED lets
 * several relays run at once: each takes rows no other holds, and none waits on another.
 * Kinds this process does not know (a newer release's) are left for a process that does.
 */
export async function claimUnrelayedRows(
  trx: JobsExecutor,
  kinds: readonly string[],
  limit: number,
): Promise<Pick<OutboxRow, 'id' | 'kind' | 'payload' | 'webhook_id'>[]> {
  return trx
    .selectFrom('outbox')
    .select(['id', 'kind', 'payload', 'webhook_id'])
    .where('relayed_at', 'is', null)
    .where('available_at', '<=', sql<Date>`now()`)
    .where('kind', 'in', kinds)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markRowsRelayed(trx: JobsExecutor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('outbox')
    .set({ relayed_at: sql<Date>`now()` })
    .where('id', 'in', ids as never)
    .execute();
}

/** Deletes rows relayed before `before`; they are in BullMQ (and its history) by then. */
export async function purgeRelayedRows(db: JobsExecutor, before: Date): Promise<number> {
  const result = await db.deleteFrom('outbox').where('relayed_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many rows wait for the relay, and the age of the oldest in seconds (for metrics and readiness). */
export async function outboxBacklog(
  db: JobsExecutor,
): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<string>`count(*)`.as('pending'),
      sql<string | null>`extract(epoch from now() - min(created_at))`.as('oldest'),
    ])
    .where('relayed_at', 'is', null)
    .where('available_at', '<=', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldestAgeSeconds: row.oldest === null ? 0 : Number(row.oldest) };
}
