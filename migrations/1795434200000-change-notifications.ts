import { type Kysely, sql } from 'kysely';

/**
 * Long-polling readers of the change feed (`GET /v1/changes?wait=`) are woken at commit: a
 * statement-level trigger notifies `planbrygga_changes` once for each organisation whose
 * change-feed rows a statement inserted, with the organisation's code (kommunkod, never
 * personal data) as the payload. PostgreSQL sends a transaction's notifications only when it
 * commits, and folds identical ones into one.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function planbrygga_notify_changes() returns trigger language plpgsql as $$
    begin
      perform pg_notify('planbrygga_changes', organisation)
        from (select distinct organisation from inserted_changes) organisations;
      return null;
    end $$`.execute(db);
  await sql`create trigger plan_changes_notify after insert on plan_changes
    referencing new table as inserted_changes
    for each statement execute function planbrygga_notify_changes()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger plan_changes_notify on plan_changes`.execute(db);
  await sql`drop function planbrygga_notify_changes()`.execute(db);
}
