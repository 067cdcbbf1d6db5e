import { type Kysely, sql } from 'kysely';

/** The role the application logs in as (migrations/1795431900000-audit-log.ts). */
const APP_ROLE = 'planbrygga_app';

/**
 * Audit entries older than AUDIT_RETENTION_DAYS go, through one door: `audit_log_expire`, a
 * SECURITY DEFINER function the application role may call. The append-only trigger lets a
 * DELETE through only inside it, and only of entries more than a year old by the database's
 * clock, whatever the function is asked: an application credential can never remove the
 * recent trail. UPDATE and TRUNCATE stay refused to everyone. Retention runs also count what
 * they removed.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index audit_log_at_idx on audit_log (at)`.execute(db);
  await sql`
    create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if current_setting('planbrygga.audit_expiry', true) = 'on'
          and old.at < now() - interval '365 days' then
          return old;
        end if;
      end if;
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  // The search path is fixed to this schema, so a caller cannot put its own audit_log first.
  await sql`
    do $do$
    begin
      execute format($f$
        create function %I.audit_log_expire(before timestamptz, max_rows integer) returns integer
        language plpgsql security definer set search_path = %I, pg_temp as $body$
        declare removed integer;
        begin
          perform set_config('planbrygga.audit_expiry', 'on', true);
          delete from audit_log where id in (
            select id from audit_log where at < least(before, now() - interval '365 days')
            order by at limit max_rows);
          get diagnostics removed = row_count;
          perform set_config('planbrygga.audit_expiry', 'off', true);
          return removed;
        end
        $body$$f$, current_schema(), current_schema());
      execute format('revoke all on function %I.audit_log_expire(timestamptz, integer) from public', current_schema());
      if exists (select 1 from pg_roles where rolname = '${sql.raw(APP_ROLE)}') then
        execute format('grant execute on function %I.audit_log_expire(timestamptz, integer) to ${sql.raw(APP_ROLE)}', current_schema());
      end if;
    end
    $do$`.execute(db);
  await sql`alter table retention_runs
    add column plans_removed integer not null default 0,
    add column audit_entries_removed integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table retention_runs drop column plans_removed, drop column audit_entries_removed`.execute(
    db,
  );
  await sql`drop function audit_log_expire(timestamptz, integer)`.execute(db);
  await sql`
    create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`drop index audit_log_at_idx`.execute(db);
}
