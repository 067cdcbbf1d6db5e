import { type Kysely, sql } from 'kysely';

/**
 * Routine 003's changed need: the kontaktman's evaluation, delivered to the case officer
 * (LSS-handläggare) before a new needs assessment. One row per destination it goes to, or one
 * in the pull inbox (destination_id null), like a submission. The outbox row of its delivery
 * carries the webhook-id, so the receiver sees the same id on every retry.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('need_evaluations')
    // Made by the service, so the delivery job can name the row it is inserted with.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    // About the person's need: encrypted, bound to the plan; null once pruned with the plan's content.
    .addColumn('summary', 'text')
    // The kontaktman who evaluated (staff, not the person): name and title.
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('by_title', 'text', (c) => c.notNull())
    .addColumn('destination_id', 'uuid', (c) => c.references('destinations.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'delivered', 'failed', 'acknowledged')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('pruned_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('need_evaluations_plan_idx')
    .on('need_evaluations')
    .columns(['plan_id', 'created_at'])
    .execute();
  // The pull inbox reads the waiting ones of an organisation, oldest first.
  await db.schema
    .createIndex('need_evaluations_inbox_idx')
    .on('need_evaluations')
    .columns(['created_at', 'id'])
    .where(sql.ref('destination_id'), 'is', null)
    .where(sql.ref('status'), '=', 'delivered')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('need_evaluations').execute();
}
