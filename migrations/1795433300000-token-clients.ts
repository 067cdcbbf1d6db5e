import { type Kysely, sql } from 'kysely';

/**
 * Clients that authenticate with an OAuth2 access token instead of an API key. Such a client
 * has no key; it is the token's issuer and subject within one organisation, recorded the first
 * time a valid token of it arrives, so that everything keyed by a client (idempotency keys,
 * pushed_by, rate limits, the audit log) works for it unchanged. Its scopes travel in each
 * token, so its `scopes` column stays empty. One organisation per row: a subject whose tokens
 * name two organisations is two clients, and never shares an idempotency key between them.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clients
    alter column key_hash drop not null,
    add column token_issuer text,
    add column token_subject text,
    add constraint clients_one_credential check (
      (key_hash is not null and token_issuer is null and token_subject is null)
      or (key_hash is null and token_issuer is not null and token_subject is not null)
    )`.execute(db);
  await sql`create unique index clients_token_identity_key on clients (token_issuer, token_subject, organisation)
    where token_subject is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from clients where key_hash is null`.execute(db);
  await sql`drop index clients_token_identity_key`.execute(db);
  await sql`alter table clients
    drop constraint clients_one_credential,
    drop column token_subject,
    drop column token_issuer,
    alter column key_hash set not null`.execute(db);
}
