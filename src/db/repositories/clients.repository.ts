import { compiledOnce } from '../compiled-once.js';
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

/** Every request's first read: compiled once and sent prepared, with its columns named (prepared-statements.ts). */
const findActiveByKeyHash = compiledOnce((db: Executor, keyHash: string) =>
  db
    .selectFrom('clients')
    .select(['id', 'name', 'organisation', 'scopes', 'key_hash', 'created_at', 'revoked_at'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null),
);

export async function findActiveClientByKeyHash(
  db: Executor,
  keyHash: string,
): Promise<ClientRow | undefined> {
  return (await findActiveByKeyHash(db, keyHash))[0];
}
