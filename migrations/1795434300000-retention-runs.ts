import { type Kysely, sql } from 'kysely';

/**
 * One row per retention run that changed something or could have (dry runs are not recorded):
 * what it pruned and kept, and when it ran, so /metrics can say when the last run finished and
 * how much each has pruned, whichever worker or command ran it. Counts and dates only.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // The BullMQ job of a scheduled run; null for `planbrygga retention run`.
    .addColumn('job_id', 'text')
    .addColumn('on_date', 'date', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('versions_pruned', 'integer', (c) => c.notNull())
    .addColumn('plans_pruned', 'integer', (c) => c.notNull())
    .addColumn('busy', 'integer', (c) => c.notNull())
    .addColumn('kept', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create index retention_runs_finished_idx on retention_runs (finished_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retention_runs').execute();
}
