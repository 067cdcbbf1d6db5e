import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { preparingPool } from './prepared-statements.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories accept either, so a service decides whether a call runs in its transaction. */
export type Executor = Db | Tx;

export function createDatabase(connectionString: string, maxConnections = 10): Db {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

/** What `WRITES_ONLY` throws when it is asked to run a statement. */
export class StatementRefused extends Error {
  constructor() {
    super('this work was to send its writes as one statement, and nothing before it');
  }
}

/**
 * Stands in for the transaction of work whose writes all go to PendingWrites, for the caller to
 * send as one statement, atomic on its own (a new plan's push). It refuses to run anything, and
 * refuses before sending it: work that turns out to need a statement of its own fails with
 * StatementRefused having stored nothing, and the caller does it again in a transaction.
 */
export const WRITES_ONLY = new Kysely<Database>({
  dialect: new PostgresDialect({
    pool: {
      connect: () => Promise.reject(new StatementRefused()),
      end: () => Promise.resolve(),
    },
  }),
}) as unknown as Tx;
