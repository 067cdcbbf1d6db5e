import { type Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './database.js';
import { preparedStatement } from './prepared-statements.js';

/** A value every argument of a compiled-once query must be: one bound parameter each (a list is one PostgreSQL array). */
type Scalar = string | number | boolean | null | readonly string[];

/**
 * A kysely query run on every request, built and compiled on first use only: later calls bind
 * their arguments into the same text, which is sent prepared (prepared-statements.ts). Building
 * and compiling the push's read cost more Node time than sending it.
 *
 * `build` must bind each argument as a parameter (`where(column, '=', arg)`), never splice it
 * into the text (`sql.raw`, `in` lists, identifiers): the first compile checks that every
 * argument came out as a parameter and throws otherwise.
 */
export function compiledOnce<Args extends Scalar[], Row>(
  build: (db: Executor, ...args: Args) => Compilable<Row>,
): (db: Executor, ...args: Args) => Promise<Row[]> {
  let compiled: { sql: string; bind: (args: Args) => unknown[] } | undefined;
  return async (db, ...args) => {
    compiled ??= compile(db, build, args.length);
    const query = CompiledQuery.raw(compiled.sql, compiled.bind(args));
    return (await db.executeQuery<Row>(query as CompiledQuery<Row>)).rows;
  };
}

function compile<Args extends Scalar[], Row>(
  db: Executor,
  build: (db: Executor, ...args: Args) => Compilable<Row>,
  arity: number,
): { sql: string; bind: (args: Args) => unknown[] } {
  const markers = Array.from({ length: arity }, (_, i) => `\u0000compiled-once argument ${i}\u0000`);
  const { sql, parameters } = build(db, ...(markers as Args)).compile();
  // Each parameter is either an argument (by position) or a constant of the query itself.
  const sources = parameters.map((value): { argument: number } | { value: unknown } => {
    const argument = markers.indexOf(value as string);
    return argument >= 0 ? { argument } : { value };
  });
  const bound = new Set(sources.flatMap((s) => ('argument' in s ? [s.argument] : [])));
  if (bound.size !== arity || sql.includes('\u0000')) {
    throw new Error('compiledOnce: every argument must be bound as a parameter, not spliced into the text');
  }
  return {
    sql: preparedStatement(sql),
    bind: (args) => sources.map((s) => ('argument' in s ? args[s.argument] : s.value)),
  };
}
