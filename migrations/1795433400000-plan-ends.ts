import { type Kysely, sql } from 'kysely';

/**
 * A plan can end (the intervention ended): one row per end, kept when a later version reopens
 * the plan, so the history says when it ended and when it came back.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plan_ends')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('ended_on', 'date', (c) => c.notNull())
    // Encrypted like other free text about a plan; null once the plan's content is pruned.
    .addColumn('reason', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reopened_at', 'timestamptz')
    .addColumn('reopened_by_version', 'integer')
    .execute();
  // At most one end in force per plan.
  await sql`create unique index plan_ends_in_force_idx on plan_ends (plan_id) where reopened_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_ends').execute();
}
