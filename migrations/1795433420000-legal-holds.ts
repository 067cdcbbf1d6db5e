import { type Kysely, sql } from 'kysely';

/** A legal hold keeps a plan's content from pruning and erasure until it is released (deleted). */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    // Encrypted: a reason may name the matter it is held for.
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('legal_holds_plan_idx').on('legal_holds').column('plan_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('legal_holds').execute();
}
