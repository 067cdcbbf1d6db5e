import { type Kysely, sql } from 'kysely';

/**
 * The change feed's position (`seq`) is handed out after commit instead of at insert.
 *
 * Writers insert rows with `seq` null and an `id` of their own; the feed's reader numbers
 * the committed rows of its organisation under a per-organisation lock held only for that
 * short step (src/db/repositories/plan-changes.repository.ts). Writers no longer serialise
 * per organisation, and a row never gets a position lower than one a reader has seen.
 * Existing rows keep their seq, which becomes their id as well.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plan_changes add column id bigint`.execute(db);
  await sql`update plan_changes set id = seq`.execute(db);
  await sql`create sequence plan_changes_id_seq owned by plan_changes.id`.execute(db);
  await sql`select setval('plan_changes_id_seq', coalesce((select max(id) from plan_changes), 0) + 1, false)`.execute(
    db,
  );
  await sql`alter table plan_changes
    alter column id set default nextval('plan_changes_id_seq'),
    alter column id set not null,
    drop constraint plan_changes_pkey,
    add constraint plan_changes_pkey primary key (id),
    alter column seq drop default,
    alter column seq drop not null,
    add constraint plan_changes_seq_key unique (seq)`.execute(db);
  // What the sequencer looks for: an organisation's rows not yet numbered, in insert order.
  await sql`create index plan_changes_unsequenced_idx on plan_changes (organisation, id) where seq is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update plan_changes set seq = nextval('plan_changes_seq_seq')
    from (select id from plan_changes where seq is null order by id) pending
    where plan_changes.id = pending.id`.execute(db);
  await sql`drop index plan_changes_unsequenced_idx`.execute(db);
  await sql`alter table plan_changes
    drop constraint plan_changes_seq_key,
    drop constraint plan_changes_pkey,
    alter column seq set not null,
    alter column seq set default nextval('plan_changes_seq_seq'),
    add constraint plan_changes_pkey primary key (seq)`.execute(db);
  await sql`alter table plan_changes drop column id`.execute(db);
}
