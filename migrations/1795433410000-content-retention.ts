import { type Kysely, sql } from 'kysely';

/**
 * Retention: a version's content (its encrypted document and warnings) can be pruned while
 * its metadata stays, with when and why. Every stored policy gains the retention field with
 * its default (90 days), so the rules read one shape.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plan_versions
    alter column document drop not null,
    add column pruned_at timestamptz,
    add column prune_reason text,
    add constraint plan_versions_pruned_shape check (
      (pruned_at is null and prune_reason is null and document is not null)
      or (pruned_at is not null and prune_reason in ('retention', 'erasure') and document is null))`.execute(
    db,
  );
  // What the retention run looks for: versions whose content is still held.
  await sql`create index plan_versions_held_idx on plan_versions (plan_id, version) where pruned_at is null`.execute(
    db,
  );
  // Metadata removal looks for plans by when their content went.
  await sql`create index plan_versions_pruned_at_idx on plan_versions (pruned_at) where pruned_at is not null`.execute(
    db,
  );
  await sql`update policies set policy = policy || '{"contentRetentionDays": 90}'::jsonb
    where not policy ? 'contentRetentionDays'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update policies set policy = policy - 'contentRetentionDays'`.execute(db);
  await sql`drop index plan_versions_pruned_at_idx`.execute(db);
  await sql`drop index plan_versions_held_idx`.execute(db);
  await sql`alter table plan_versions
    drop constraint plan_versions_pruned_shape,
    drop column prune_reason,
    drop column pruned_at,
    alter column document set not null`.execute(db);
}
