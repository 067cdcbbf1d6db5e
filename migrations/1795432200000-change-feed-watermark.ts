import { type Kysely, sql } from 'kysely';

/**
 * The change feed orders rows by (tx_id, seq) and readers only return rows whose transaction
 * id is below their snapshot's xmin, so no per-organisation lock is needed to keep a poller
 * from skipping a row. Existing rows are all committed: tx_id 1 orders them before any new
 * transaction, and among themselves by seq as before.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A constant default fills existing rows without a table rewrite; new rows then take their writer's id.
  await sql`alter table plan_changes add column tx_id xid8 not null default '1'::xid8`.execute(db);
  await sql`alter table plan_changes alter column tx_id set default pg_current_xact_id()`.execute(db);
  await db.schema
    .createIndex('plan_changes_watermark_idx')
    .on('plan_changes')
    .columns(['organisation', 'tx_id', 'seq'])
    .execute();
  await db.schema.dropIndex('plan_changes_feed_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('plan_changes_feed_idx')
    .on('plan_changes')
    .columns(['organisation', 'seq'])
    .execute();
  await db.schema.dropIndex('plan_changes_watermark_idx').execute();
  await db.schema.alterTable('plan_changes').dropColumn('tx_id').execute();
}
