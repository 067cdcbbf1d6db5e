import type { Executor } from '../database.js';
import type { ClientRow } from '../schema.js';

export interface NewClient {
  name: string;
  organisation: string;
  scopes: string[];
  keyHash: string;
  createdAt: Date;
}

export async function insertClient(db: Executor, client: NewClient): Promise<ClientRow> {
  return db
    .insertInto('clients')
    .values({
      name: client.name,
      organisation: client.organisation,
      scopes: client.scopes,
      key_hash: client.keyHash,
      created_at: client.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveClientByKeyHash(
  db: Executor,
  keyHash: string,
): Promise<ClientRow | undefined> {
  return db
    .selectFrom('clients')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
