import type pg from 'pg';

/** One table's rows for one plan, every value in PostgreSQL's text form. */
export interface TableRows {
  table: string;
  columns: string[];
  /** Each column's type, to cast the text back (`$1::jsonb`). */
  types: string[];
  rows: (string | null)[][];
}

/**
 * Everything the service wrote for one pushed plan: its `plans` row and the rows of every
 * other table that name it in a `plan_id` column. Columns filled by a default sequence or
 * random id (`seq`, `id`) are left out so each copy gets its own.
 */
export async function capturePlanRows(
  db: pg.ClientBase,
  planId: string,
  tables: string[],
): Promise<TableRows[]> {
  const captured: TableRows[] = [];
  for (const table of ['plans', ...tables.filter((t) => t !== 'plans')]) {
    const { rows: columns } = await db.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
         AND coalesce(pg_get_expr(d.adbin, d.adrelid), '') !~ '^(nextval|gen_random_uuid)\\('
       ORDER BY a.attnum`,
      [table],
    );
    const key = table === 'plans' ? 'id' : 'plan_id';
    const { rows: hasKey } = await db.query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped`,
      [table, key],
    );
    if (hasKey.length === 0) continue;
    const list = columns.map((c) => `"${c.name}"::text`).join(', ');
    const { rows } = await db.query<unknown[]>({
      text: `SELECT ${list} FROM "${table}" WHERE "${key}" = $1`,
      values: [planId],
      rowMode: 'array',
    });
    captured.push({
      table,
      columns: columns.map((c) => c.name),
      types: columns.map((c) => c.type),
      rows: rows as (string | null)[][],
    });
  }
  return captured;
}

/**
 * The baseline: inserts a copy of the captured rows as a new plan with bare `pg`, one
 * transaction, one multi-row INSERT per table (the plan row first), nothing else: no
 * parsing, validation, encryption, authentication or HTTP.
 */
export async function insertPlanCopy(
  pool: pg.Pool,
  template: TableRows[],
  sourcePlanId: string,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    let planId = '';
    for (const t of template) {
      const values: (string | null)[] = [];
      const tuples = t.rows.map((row) => {
        const placeholders = row.map((value, i) => {
          const column = t.columns[i];
          if (column === 'plan_id') values.push(planId);
          else if (t.table === 'plans' && column === 'source_plan_id') values.push(sourcePlanId);
          else values.push(value);
          return `$${values.length}::${t.types[i]}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      const columns = t.columns.map((c) => `"${c}"`).join(', ');
      const returning = t.table === 'plans' ? ' RETURNING id' : '';
      const result = await client.query<{ id: string }>(
        `INSERT INTO "${t.table}" (${columns}) VALUES ${tuples.join(', ')}${returning}`,
        values,
      );
      if (t.table === 'plans') planId = result.rows[0]!.id;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
