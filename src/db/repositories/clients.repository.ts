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
    .select([
      'id',
      'name',
      'organisation',
      'scopes',
      'key_hash',
      'token_issuer',
      'token_subject',
      'created_at',
      'revoked_at',
    ])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null),
);

export async function findActiveClientByKeyHash(
  db: Executor,
  keyHash: string,
): Promise<ClientRow | undefined> {
  return (await findActiveByKeyHash(db, keyHash))[0];
}

/** A token client: the subject of an issuer's tokens within one organisation. */
export interface TokenIdentity {
  issuer: string;
  subject: string;
  organisation: string;
}

export async function findActiveTokenClient(
  db: Executor,
  identity: TokenIdentity,
): Promise<ClientRow | undefined> {
  return db
    .selectFrom('clients')
    .selectAll()
    .where('token_issuer', '=', identity.issuer)
    .where('token_subject', '=', identity.subject)
    .where('organisation', '=', identity.organisation)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Records a token client the first time it is seen; a concurrent first sight elsewhere wins quietly. */
export async function insertTokenClient(
  db: Executor,
  client: TokenIdentity & { name: string; createdAt: Date },
): Promise<void> {
  await db
    .insertInto('clients')
    .values({
      name: client.name,
      organisation: client.organisation,
      scopes: [],
      token_issuer: client.issuer,
      token_subject: client.subject,
      created_at: client.createdAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['token_issuer', 'token_subject', 'organisation'])
        .where('token_subject', 'is not', null)
        .doNothing(),
    )
    .execute();
}

/** Whether a client exists and is not revoked (a token client's admin session asks on every request). */
export async function isActiveClient(db: Executor, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('clients')
    .select('id')
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
