import { CompiledQuery } from 'kysely';
import type { Executor } from './database.js';
import { preparedStatement } from './prepared-statements.js';

/**
 * A write a transaction has decided on: a fixed statement text and its rows as one JSON
 * parameter. The text is the same however many rows there are, so PostgreSQL parses and plans
 * it once per connection (prepared-statements.ts), and several writes can go as one statement
 * (PendingWrites).
 */
export interface Write {
  /** The statement, with `$rows` where its one parameter goes. */
  readonly text: string;
  /** The rows as a JSON array of objects keyed by column name. */
  readonly rows: string;
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

type Row<Column extends string> = Readonly<Record<Column, ColumnValue>>;

/** Makes the write of some rows; no rows, no write. */
export interface RowsWriter<Column extends string> {
  (rows: readonly [Row<Column>, ...Row<Column>[]]): Write;
  (rows: readonly Row<Column>[]): Write | undefined;
}

function writer<Column extends string>(text: string): RowsWriter<Column> {
  return ((rows: readonly Row<Column>[]) =>
    rows.length === 0 ? undefined : { text, rows: JSON.stringify(rows) }) as RowsWriter<Column>;
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
 * The insert of rows into `table`; `suffix` follows the select (`on conflict …`, `returning …`).
 * Columns left out take their defaults. No rows, no write.
 */
export function insertRows<Column extends string>(
  table: string,
  columns: readonly Column[],
  suffix = '',
): RowsWriter<Column> {
  const list = columns.map(quote).join(', ');
  return writer(`insert into ${quote(table)} (${list}) ${fromRows(table, columns)} ${suffix}`.trim());
}

/** The update of the rows of `table` whose `key` column matches a row's: `columns` are set from it. */
export function updateRows<Column extends string, Key extends string>(
  table: string,
  key: Key,
  columns: readonly Column[],
): RowsWriter<Column | Key> {
  const set = columns.map((c) => `${quote(c)} = r.${quote(c)}`).join(', ');
  const rows = fromRows(table, [key, ...columns]);
  return writer(
    `update ${quote(table)} as t set ${set} from (${rows}) as r where t.${quote(key)} = r.${quote(key)}`,
  );
}

/** The delete of the rows of `table` that match a row on every one of `keys`. */
export function deleteRows<Key extends string>(table: string, keys: readonly Key[]): RowsWriter<Key> {
  const match = keys.map((k) => `t.${quote(k)} = r.${quote(k)}`).join(' and ');
  return writer(`delete from ${quote(table)} as t using (${fromRows(table, keys)}) as r where ${match}`);
}

/** Bytes for a bytea column of a write's rows: PostgreSQL's hex format. */
export function bytea(bytes: Buffer): string {
  return `\\x${bytes.toString('hex')}`;
}

/**
 * The one statement that sends `writes` as data-modifying CTEs ending in `main` (whose
 * `returning` rows it returns), each write's rows its own parameter; marked to be sent prepared.
 */
export function writesStatement<Row>(writes: readonly Write[], main: Write): CompiledQuery<Row> {
  const numbered = (write: Write, i: number) => write.text.replace('$rows', `$${i + 1}`);
  const ctes = writes.map((write, i) => `pending_${i} as (${numbered(write, i)})`);
  const last = numbered(main, writes.length);
  const text = ctes.length === 0 ? last : `with ${ctes.join(', ')} ${last}`;
  return CompiledQuery.raw(preparedStatement(text), [...writes.map((write) => write.rows), main.rows]);
}

/** Runs one write on its own and returns the rows of its `returning`. */
export async function executeWrite<Row>(db: Executor, write: Write): Promise<Row[]> {
  return (await db.executeQuery(writesStatement<Row>([], write))).rows;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
