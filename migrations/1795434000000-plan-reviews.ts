import { type Kysely, sql } from 'kysely';

/**
 * Routine 000's personal-details review: the kontaktman's check of "Uppgifter och övrig
 * information", one row per review, outside the versions so a later version still sees it.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plan_reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('personal-details')`))
    .addColumn('date', 'date', (c) => c.notNull())
    // The kontaktman who reviewed (staff, not the person): name and title.
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('by_title', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_reviews_plan_idx')
    .on('plan_reviews')
    .columns(['plan_id', 'date'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_reviews').execute();
}
