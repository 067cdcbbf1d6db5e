import { type Kysely, type RawBuilder, sql } from 'kysely';
import { retryWhileUnavailable } from '../db/availability.js';
import { ENCRYPTED_COLUMNS, type EncryptedColumn } from './encrypted-columns.js';
import { looksSealed } from './envelope.js';
import { type FieldCipher, TEXT_PREFIX } from './field-cipher.js';

/** How long a rotation waits for PostgreSQL to come back before it gives up (run it again to resume). */
const OUTAGE_WAIT_MS = 5 * 60 * 1000;

/** How `keys status` labels values that are not encrypted (written before encryption existed). */
export const NOT_ENCRYPTED = '(not encrypted)';

export interface KeyCount {
  table: string;
  column: string;
  keyId: string;
  count: number;
}

/** How many stored values each key id encrypts, per column. */
export async function countValuesByKey<DB>(
  db: Kysely<DB>,
  columns: readonly EncryptedColumn[] = ENCRYPTED_COLUMNS,
): Promise<KeyCount[]> {
  const counts: KeyCount[] = [];
  for (const c of columns) {
    const { rows } = await sql<{ key_id: string | null; n: string }>`
      select ${keyIdOf(c)} as key_id, count(*) as n from ${sql.table(c.table)}
      where ${sql.ref(c.column)} is not null group by 1 order by 1`.execute(db);
    for (const row of rows) {
      counts.push({
        table: c.table,
        column: c.column,
        keyId: row.key_id ?? NOT_ENCRYPTED,
        count: Number(row.n),
      });
    }
  }
  return counts;
}

export interface RotationProgress {
  table: string;
  column: string;
  /** Values re-encrypted in this column so far. */
  done: number;
}

export interface RotationOptions {
  batchSize?: number;
  onProgress?: (progress: RotationProgress) => void;
  columns?: readonly EncryptedColumn[];
}

/**
 * Re-encrypts every stored value that is not under the active key (or not encrypted at all)
 * with the active key. Each batch is its own transaction and only rows still under another
 * key are picked, so an interrupted run is resumed by running it again, and a second run
 * finds nothing to do. A value that does not open stops the run, naming its row.
 */
export async function rotateKeys<DB>(
  db: Kysely<DB>,
  cipher: FieldCipher,
  options: RotationOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let total = 0;
  for (const c of options.columns ?? ENCRYPTED_COLUMNS) {
    let done = 0;
    let after: unknown[] | undefined;
    for (;;) {
      // A long rotation outlives a database restart: the batch that met it runs again once it is back.
      const batch = await retryWhileUnavailable(
        () => db.transaction().execute((trx) => rotateBatch(trx, cipher, c, after, batchSize)),
        { maxWaitMs: OUTAGE_WAIT_MS },
      );
      done += batch.rotated;
      if (batch.last === undefined) break;
      after = batch.last;
      options.onProgress?.({ table: c.table, column: c.column, done });
    }
    total += done;
  }
  return total;
}

async function rotateBatch<DB>(
  trx: Kysely<DB>,
  cipher: FieldCipher,
  c: EncryptedColumn,
  after: unknown[] | undefined,
  limit: number,
): Promise<{ rotated: number; last?: unknown[] }> {
  const key = sql.join(c.rowKey.map((name) => sql.ref(name)));
  const selected = sql.join(
    [...c.rowKey, ...(c.contextColumns ?? []), c.column].map((name) => sql.ref(name)),
  );
  const position = after ? sql`and (${key}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
  const { rows } = await sql<Record<string, unknown>>`
    select ${selected} from ${sql.table(c.table)}
    where ${sql.ref(c.column)} is not null
      and ${keyIdOf(c)} is distinct from ${cipher.activeKeyId}
      ${position}
    order by ${key} limit ${limit} for update`.execute(trx);
  for (const row of rows) {
    const fresh = reencrypt(cipher, c, row);
    const where = sql.join(
      c.rowKey.map((name) => sql`${sql.ref(name)} = ${row[name]}`),
      sql` and `,
    );
    await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${fresh} where ${where}`.execute(trx);
  }
  const last = rows.at(-1);
  return { rotated: rows.length, ...(last && { last: c.rowKey.map((name) => last[name]) }) };
}

function reencrypt(cipher: FieldCipher, c: EncryptedColumn, row: Record<string, unknown>): Buffer | string {
  const context = c.context(row);
  const stored = row[c.column];
  try {
    if (c.encoding === 'text') {
      const value = String(stored);
      const plain = value.startsWith(TEXT_PREFIX)
        ? cipher.decryptText(value, context)
        : (c.plaintextOf?.(value) ?? value);
      return cipher.encryptText(plain, context);
    }
    const bytes = stored as Buffer;
    return cipher.encrypt(looksSealed(bytes) ? cipher.decrypt(bytes, context) : bytes, context);
  } catch (err) {
    const where = c.rowKey.map((name) => `${name}=${String(row[name])}`).join(', ');
    throw new Error(`${c.table}.${c.column} (${where}): ${(err as Error).message}`, { cause: err });
  }
}

/** The key id of a stored value, computed in SQL from the envelope header; null for a value not encrypted. */
function keyIdOf(c: EncryptedColumn): RawBuilder<string | null> {
  const column = sql.ref(c.column);
  const bytes =
    c.encoding === 'bytes' ? column : sql`decode(substr(${column}, ${TEXT_PREFIX.length + 1}), 'base64')`;
  const header = sql`case
      when length(${bytes}) < 2 then null
      when get_byte(${bytes}, 0) <> 1 then null
      else convert_from(substring(${bytes} from 3 for get_byte(${bytes}, 1)), 'SQL_ASCII') end`;
  if (c.encoding === 'bytes') return sql<string | null>`(${header})`;
  return sql<string | null>`(case when ${column} like ${`${TEXT_PREFIX}%`} then ${header} end)`;
}
