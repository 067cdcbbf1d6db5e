import { type Kysely, sql } from 'kysely';

// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A policy per organisation (unit_id null) and per unit; NULLS NOT DISTINCT makes the
  // organisation's own row unique too (PostgreSQL 15).
  await db.schema
    .createTable('policies')
    .addColumn('organisation', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text')
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`alter table policies add constraint policies_scope_key unique nulls not distinct (organisation, unit_id)`.execute(
    db,
  );

  await db.schema
    .createTable('signatures')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('signed_content_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('signed', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('date', 'date')
    .addColumn('method', 'text')
    .addColumn('reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('document', 'api')`))
    // Keyed HMAC of the signature's identity (signer, date, method or refusal reason), so a
    // duplicate is found without comparing names in the clear.
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addUniqueConstraint('signatures_identity_key', ['plan_id', 'signed_content_hash', 'dedupe_key'])
    .addCheckConstraint(
      'signatures_shape',
      sql`(signed and name is not null and date is not null and method is not null and reason is null)
        or (not signed and reason is not null and name is null and date is null and method is null)`,
    )
    .execute();

  await db.schema
    .createTable('lifecycle_transitions')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('lifecycle_transitions_plan_idx')
    .on('lifecycle_transitions')
    .columns(['plan_id', 'seq'])
    .execute();

  await db.schema
    .createTable('deviations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deviation', 'event')`))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deviations_plan_idx').on('deviations').columns(['plan_id', 'date']).execute();

  await db.schema
    .createTable('consent_records')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('covers', 'text', (c) => c.notNull())
    .addColumn('given', 'boolean', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_records_plan_idx').on('consent_records').column('plan_id').execute();

  // The overdue reasons of each plan as last evaluated; the scan and every reassessment diff
  // against it, so each became/cleared event is emitted once.
  await db.schema
    .createTable('plan_overdue')
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('since', 'date', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_overdue_pkey', ['plan_id', 'reason'])
    .execute();

  // Submissions (avgivande) to the case officer; dispatch fills delivered/acknowledged.
  await db.schema
    .createTable('submissions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('destination_id', 'uuid', (c) => c.references('destinations.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status in ('queued', 'delivered', 'failed', 'acknowledged')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('submissions_plan_idx')
    .on('submissions')
    .columns(['plan_id', 'version'])
    .execute();

  // Change-feed rows say more than a kind and a state: a transition's from/to, an overdue reason.
  await db.schema.alterTable('plan_changes').addColumn('detail', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plan_changes').dropColumn('detail').execute();
  for (const table of [
    'submissions',
    'plan_overdue',
    'consent_records',
    'deviations',
    'lifecycle_transitions',
    'signatures',
    'policies',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
