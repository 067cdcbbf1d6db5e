import { CompiledQuery } from 'kysely';
import type { Executor } from './database.js';
import { preparedStatement } from './prepared-statements.js';

/** How a writer's rows meet the rows of other writes of the same table (write-set.ts). */
export type WriteKind = 'insert' | 'upsert' | 'update' | 'delete';

/**
 * A fixed statement text for rows of one table, given as one JSON parameter. The text is the
 * same however many rows there are, so PostgreSQL parses and plans it once per connection
 * (prepared-statements.ts), and several writes can go as one statement (PendingWrites).
 */
export interface Writer {
  /** The statement, with `$rows` where its one parameter goes. */
  readonly text: string;
  readonly table: string;
  readonly kind: WriteKind;
  /** The columns that name a row, so that writes of one row can be merged; none for rows that are only appended. */
  readonly key: readonly string[];
  /** The columns each row sets, key included. */
  readonly columns: readonly string[];
}

/** A column's value in a write's rows: JSON, or a Date (sent as an ISO timestamp). */
export type ColumnValue =
  | string
  | number
  | boolean
  | null
  | Date
  | { readonly [key: string]: unknown }
  | readonly unknown[];

export type Row<Column extends string = string> = Readonly<Record<Column, ColumnValue>>;

/** A write a transaction has decided on: a writer and its rows. */
export interface Write {
  readonly writer: Writer;
  readonly rows: readonly Row[];
}

/** Makes the write of some rows; no rows, no write. */
export interface RowsWriter<Column extends string> {
  (rows: readonly [Row<Column>, ...Row<Column>[]]): Write;
  (rows: readonly Row<Column>[]): Write | undefined;
}

function rowsWriter<Column extends string>(writer: Writer): RowsWriter<Column> {
  return ((rows: readonly Row<Column>[]) =>
    rows.length === 0 ? undefined : { writer, rows }) as RowsWriter<Column>;
}

/**
 * Rows are read with `json_populate_recordset` against the table's own row type, so each value
 * is converted as the column's type reads text: ISO timestamps, `YYYY-MM-DD` dates, uuids; a
 * json or jsonb column takes the JSON value as it is (pass the object, not its text); a bytea
 * column takes `\x`-hex text (see `bytea`). `with ordinality` keeps the rows in the order given,
 * so ids taken from a sequence follow it.
 */
function fromRows(table: string, columns: readonly string[]): string {
  const list = columns.map(quote).join(', ');
  return `select ${list} from json_populate_recordset(null::${quote(table)}, $rows::json) with ordinality as r order by r.ordinality`;
}

/**
 * The insert of rows into `table`. `key`: the columns that name a row, when a later write of
 * the same transaction may change it before it is sent (a plan's state, say); `suffix` follows
 * the select (`on conflict …`, `returning …`). Columns left out take their defaults. No rows,
 * no write.
 */
export function insertRows<Column extends string>(
  table: string,
  columns: readonly Column[],
  options: { key?: readonly Column[]; suffix?: string } = {},
): RowsWriter<Column> {
  const list = columns.map(quote).join(', ');
  const text =
    `insert into ${quote(table)} (${list}) ${fromRows(table, columns)} ${options.suffix ?? ''}`.trim();
  return rowsWriter({ text, table, kind: 'insert', key: options.key ?? [], columns });
}

/** The insert of rows into `table`, or the update of the row with the same `key` where there is one. */
export function upsertRows<Column extends string, Key extends Column>(
  table: string,
  key: readonly Key[],
  columns: readonly Column[],
): RowsWriter<Column> {
  const list = columns.map(quote).join(', ');
  const set = columns
    .filter((c) => !(key as readonly string[]).includes(c))
    .map((c) => `${quote(c)} = excluded.${quote(c)}`)
    .join(', ');
  const conflict = `on conflict (${key.map(quote).join(', ')}) do update set ${set}`;
  const text = `insert into ${quote(table)} (${list}) ${fromRows(table, columns)} ${conflict}`;
  return rowsWriter({ text, table, kind: 'upsert', key, columns });
}

/** The update of the rows of `table` whose `key` column matches a row's: `columns` are set from it. */
export function updateRows<Column extends string, Key extends string>(
  table: string,
  key: Key,
  columns: readonly Column[],
): RowsWriter<Column | Key> {
  const set = columns.map((c) => `${quote(c)} = r.${quote(c)}`).join(', ');
  const rows = fromRows(table, [key, ...columns]);
  const text = `update ${quote(table)} as t set ${set} from (${rows}) as r where t.${quote(key)} = r.${quote(key)}`;
  return rowsWriter({ text, table, kind: 'update', key: [key], columns: [key, ...columns] });
}

/** The delete of the rows of `table` that match a row on every one of `keys`. */
export function deleteRows<Key extends string>(table: string, keys: readonly Key[]): RowsWriter<Key> {
  const match = keys.map((k) => `t.${quote(k)} = r.${quote(k)}`).join(' and ');
  const text = `delete from ${quote(table)} as t using (${fromRows(table, keys)}) as r where ${match}`;
  return rowsWriter({ text, table, kind: 'delete', key: keys, columns: keys });
}

/** Bytes for a bytea column of a write's rows: PostgreSQL's hex format. */
export function bytea(bytes: Buffer): string {
  return `\\x${bytes.toString('hex')}`;
}

/**
 * The one statement that sends `writes` as data-modifying CTEs ending in `main` (whose
 * `returning` rows it returns), each write's rows its own parameter; marked to be sent prepared.
 */
export function writesStatement<Result>(writes: readonly Write[], main: Write): CompiledQuery<Result> {
  const numbered = (write: Write, i: number) => write.writer.text.replace('$rows', `$${i + 1}`);
  const ctes = writes.map((write, i) => `pending_${i} as (${numbered(write, i)})`);
  const last = numbered(main, writes.length);
  const text = ctes.length === 0 ? last : `with ${ctes.join(', ')} ${last}`;
  const parameters = [...writes, main].map((write) => JSON.stringify(write.rows));
  return CompiledQuery.raw(preparedStatement(text), parameters);
}

/** Runs one write on its own and returns the rows of its `returning`. */
export async function executeWrite<Result>(
  db: Pick<Executor, 'executeQuery'>,
  write: Write,
): Promise<Result[]> {
  return (await db.executeQuery(writesStatement<Result>([], write))).rows;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
