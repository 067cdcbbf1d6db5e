import type { Kysely } from 'kysely';

/**
 * Who confirmed a submission's receipt: the name of the API client that sent the receipt or
 * the ack, or of the case officer who pressed "Kvittera" in the inbox (from their ID token).
 * Null for submissions acknowledged before this column existed, and for unacknowledged ones.
 */
// Migrations are frozen history: they use untyped Kysely so later schema changes never break them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').addColumn('acknowledged_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('submissions').dropColumn('acknowledged_by').execute();
}
