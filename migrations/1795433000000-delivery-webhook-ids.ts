import { type Kysely, sql } from 'kysely';

/**
 * Every outbox row gets its delivery's `webhook-id` when it is written: `msg_` and 32 hex
 * digits of a random UUID (122 random bits), never derived from a sequence, so no other
 * database, restore or re-created database sends the same id for another message. The relay
 * uses it as the BullMQ job id, so every retry, re-relay and admin retry carries it.
 *
 * A statement-level trigger notifies the relays at commit (`planbrygga_outbox`): they publish
 * at once instead of at their next poll. PostgreSQL sends a transaction's notifications only
 * when it commits, and folds identical ones into one.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox
    add column webhook_id text not null
      default ('msg_' || replace(gen_random_uuid()::text, '-', ''))`.execute(db);
  await sql`alter table outbox add constraint outbox_webhook_id_key unique (webhook_id)`.execute(db);
  await sql`create function planbrygga_notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('planbrygga_outbox', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger outbox_notify after insert on outbox
    for each statement execute function planbrygga_notify_outbox()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger outbox_notify on outbox`.execute(db);
  await sql`drop function planbrygga_notify_outbox()`.execute(db);
  await sql`alter table outbox drop column webhook_id`.execute(db);
}
