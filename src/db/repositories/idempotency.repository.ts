import type { Executor } from '../database.js';
import type { IdempotencyRow } from '../schema.js';

export interface IdempotencyClaim {
  clientId: string;
  key: string;
  requestHash: string;
  now: Date;
  /** A claim left unfinished before this instant (a crashed process) may be taken over. */
  staleBefore: Date;
}

/**
 * Claims a key for a request about to run. Returns undefined when the claim was taken, or
 * the existing row (finished, or still running elsewhere) when it was not.
 */
export async function claimIdempotencyKey(
  db: Executor,
  c: IdempotencyClaim,
): Promise<IdempotencyRow | undefined> {
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ client_id: c.clientId, key: c.key, request_hash: c.requestHash, created_at: c.now })
    .onConflict((oc) =>
      oc
        .columns(['client_id', 'key'])
        .doUpdateSet({ request_hash: c.requestHash, created_at: c.now })
        .where('idempotency_keys.completed_at', 'is', null)
        .where('idempotency_keys.created_at', '<', c.staleBefore),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) return undefined;
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('client_id', '=', c.clientId)
    .where('key', '=', c.key)
    .executeTakeFirstOrThrow();
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  completedAt: Date;
}

export async function completeIdempotencyKey(
  db: Executor,
  clientId: string,
  key: string,
  response: StoredResponse,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      response_status: response.status,
      response_headers: JSON.stringify(response.headers),
      response_body: response.body,
      completed_at: response.completedAt,
    })
    .where('client_id', '=', clientId)
    .where('key', '=', key)
    .execute();
}

/** Frees a key whose request failed without a stored answer, so the client can retry it. */
export async function releaseIdempotencyKey(db: Executor, clientId: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('client_id', '=', clientId)
    .where('key', '=', key)
    .where('completed_at', 'is', null)
    .execute();
}

/** Deletes the records of keys claimed before `before`; how many went. */
export async function deleteIdempotencyRecords(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** How many records `deleteIdempotencyRecords` would delete, for a dry run. */
export async function countIdempotencyRecords(db: Executor, before: Date): Promise<number> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('created_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
