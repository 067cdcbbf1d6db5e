import { type Kysely, sql } from 'kysely';

/** The role the application should log in as: it may write data, but never rewrite history. */
const APP_ROLE = 'planbrygga_app';

// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('client_id', 'uuid')
    .addColumn('organisation', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'uuid')
    .addColumn('version', 'integer')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c.notNull().check(sql`outcome in ('success', 'denied', 'refused', 'error')`),
    )
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_org_idx').on('audit_log').columns(['organisation', 'id']).execute();
  await db.schema
    .createIndex('audit_log_plan_idx')
    .on('audit_log')
    .columns(['organisation', 'plan_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_client_idx')
    .on('audit_log')
    .columns(['organisation', 'client_id', 'id'])
    .execute();
  // A search reveals every plan it found; those ids live in details.planIds.
  await sql`create index audit_log_found_plans_idx on audit_log using gin ((details -> 'planIds'))`.execute(
    db,
  );

  // Append-only for everyone, the owner and superusers included (short of dropping the trigger).
  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_refuse_change()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse_change()`.execute(db);

  await grantApplicationRole(db);
}

/**
 * The application role: every table's rows, but only INSERT and SELECT on audit_log. Roles
 * are cluster-wide, so creating it is idempotent and tolerates a concurrent migration of
 * another database; a migrating user without CREATEROLE gets a warning, and the trigger alone.
 */
async function grantApplicationRole(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = '${sql.raw(APP_ROLE)}') then
        begin
          create role ${sql.raw(APP_ROLE)} nologin;
        exception
          when duplicate_object or unique_violation then null;
          when insufficient_privilege then
            raise warning 'cannot create role ${sql.raw(APP_ROLE)}; create it and rerun the grants in docs/security.md';
            return;
        end;
      end if;
      execute format('grant usage on schema %I to ${sql.raw(APP_ROLE)}', current_schema());
      execute format('grant select, insert, update, delete on all tables in schema %I to ${sql.raw(APP_ROLE)}', current_schema());
      execute format('grant usage, select on all sequences in schema %I to ${sql.raw(APP_ROLE)}', current_schema());
      execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to ${sql.raw(APP_ROLE)}', current_schema());
      execute format('alter default privileges in schema %I grant usage, select on sequences to ${sql.raw(APP_ROLE)}', current_schema());
      revoke update, delete, truncate on audit_log from ${sql.raw(APP_ROLE)};
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await sql`drop function audit_log_refuse_change()`.execute(db);
}
