import type { Row, Write, Writer } from './writes.js';

/**
 * Writes held to go to PostgreSQL as one statement, merged so that the statement touches each
 * row once: PostgreSQL runs the parts of one statement on one snapshot, so a part could not see
 * a row another part inserts, and two parts that change one row leave only one change.
 *
 * - Rows of one writer go as one write, in the order they were added (appended rows keep their
 *   order, so ids from a sequence follow it).
 * - A row named by a key (a plan by id, an overdue reason by plan and reason) is kept once:
 *   an update is folded into the pending insert, upsert or update of that row when that sets
 *   every column the update does; a later insert or upsert replaces the pending one and
 *   cancels a pending delete; a delete drops the pending writes of the row and stays.
 *
 * The statement's text depends only on which writers take part, in the order they first did.
 */
export class WriteSet {
  readonly #groups = new Map<Writer, Group>();

  add(write: Write): void {
    const { writer } = write;
    const group = this.#group(writer);
    for (const row of write.rows) {
      if (group.kind === 'append') {
        group.rows.push(row);
        continue;
      }
      const key = keyOf(writer.key, row);
      if (writer.kind === 'update') this.#update(group, key, row);
      else this.#replace(group, key, row);
    }
  }

  /** The merged writes, in the order their writers first took part; the set is left empty. */
  take(): Write[] {
    const writes: Write[] = [];
    for (const group of this.#groups.values()) {
      const rows = group.kind === 'append' ? group.rows : [...group.rows.values()];
      if (rows.length > 0) writes.push({ writer: group.writer, rows });
    }
    this.#groups.clear();
    return writes;
  }

  #update(group: KeyedGroup, key: string, row: Row): void {
    const [into, ...more] = this.#rowsOf(group.writer, key);
    if (!into) {
      group.rows.set(key, row);
      return;
    }
    const covers = group.writer.columns.every((c) => into.writer.columns.includes(c));
    if (more.length > 0 || into.writer.kind === 'delete' || !covers) throw unmergeable(group.writer);
    into.rows.set(key, { ...into.rows.get(key), ...row });
  }

  /** An insert, upsert or delete of the row: it replaces what its own writer held of it. */
  #replace(group: KeyedGroup, key: string, row: Row): void {
    const deleting = group.writer.kind === 'delete';
    for (const other of this.#rowsOf(group.writer, key)) {
      if (other === group) continue;
      // A delete stays, since the row may be stored already; an insert or upsert cancels it.
      if (deleting || other.writer.kind === 'delete') other.rows.delete(key);
      else throw unmergeable(group.writer);
    }
    group.rows.set(key, row);
  }

  /** The keyed groups of the writer's table and key that hold a row with this key. */
  #rowsOf(writer: Writer, key: string): KeyedGroup[] {
    const found: KeyedGroup[] = [];
    for (const group of this.#groups.values()) {
      if (group.kind === 'keyed' && sameRows(group.writer, writer) && group.rows.has(key)) found.push(group);
    }
    return found;
  }

  #group(writer: Writer): Group {
    let group = this.#groups.get(writer);
    if (!group) {
      group =
        writer.key.length === 0
          ? { kind: 'append', writer, rows: [] }
          : { kind: 'keyed', writer, rows: new Map() };
      this.#groups.set(writer, group);
    }
    return group;
  }
}

type Group = { kind: 'append'; writer: Writer; rows: Row[] } | KeyedGroup;
type KeyedGroup = { kind: 'keyed'; writer: Writer; rows: Map<string, Row> };

/** Whether two writers name rows of one table by the same key. */
function sameRows(a: Writer, b: Writer): boolean {
  return a.table === b.table && a.key.length === b.key.length && a.key.every((c, i) => c === b.key[i]);
}

function unmergeable(writer: Writer): Error {
  return new Error(`two pending writes of one ${writer.table} row that cannot be merged into one`);
}

function keyOf(columns: readonly string[], row: Row): string {
  return JSON.stringify(columns.map((c) => row[c]));
}
