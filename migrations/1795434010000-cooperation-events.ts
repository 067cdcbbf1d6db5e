import { type Kysely, sql } from 'kysely';

/**
 * Routine 003's changed external cooperation: the kontaktman's invitation to a samverkansmöte
 * or a SIP, one row each, outside the versions (it asks for a new one).
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cooperation_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('samverkansmote', 'sip')`))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('parties', 'jsonb', (c) => c.notNull())
    // Free text about the person's situation: encrypted like deviation texts; null when none.
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('cooperation_events_plan_idx')
    .on('cooperation_events')
    .columns(['plan_id', 'date'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cooperation_events').execute();
}
