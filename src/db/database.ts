import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { DatabaseAvailability } from './availability.js';
import { preparingPool } from './prepared-statements.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories accept either, so a service decides whether a call runs in its transaction. */
export type Executor = Db | Tx;

/** What `DATABASE_*` in config.ts default to: the bounds of a request's wait on an unreachable database. */
export const DATABASE_DEFAULTS = {
  connectTimeoutMs: 3_000,
  statementTimeoutMs: 5_000,
  preparedStatements: true,
} as const;

export interface DatabaseOptions {
  maxConnections?: number;
  /** Longest wait for a connection, a new one or a free one of the pool; 0: no limit. */
  connectTimeoutMs?: number;
  /** Longest a statement may run (PostgreSQL's statement_timeout, and a client-side bound); 0: no limit. */
  statementTimeoutMs?: number;
  /**
   * Named prepared statements for the marked texts (prepared-statements.ts). Off behind a pooler
   * in transaction mode, which also refuses statement_timeout as a startup parameter.
   */
  preparedStatements?: boolean;
  /** Where the database's outages are logged, once each. */
  logger?: Logger;
}

/**
 * A pool of connections as kysely. A database that goes away (a restart, a failover) does not
 * stop the process: statements fail with errors `isDatabaseUnavailable` recognises, within the
 * timeouts, and the pool connects again when the database is back.
 */
export function createDatabase(connectionString: string, options: DatabaseOptions = {}): Db {
  const {
    maxConnections = 10,
    connectTimeoutMs = DATABASE_DEFAULTS.connectTimeoutMs,
    statementTimeoutMs = DATABASE_DEFAULTS.statementTimeoutMs,
    preparedStatements = DATABASE_DEFAULTS.preparedStatements,
  } = options;
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    connectionTimeoutMillis: connectTimeoutMs,
    // A server that vanished without closing its sockets (a failover's old primary) is noticed.
    keepAlive: true,
    ...(statementTimeoutMs > 0 && {
      // PostgreSQL cancels a statement past the timeout. A pooler (PgBouncer) refuses the
      // parameter at connect, so behind one (prepared statements off) only the client's bound holds.
      ...(preparedStatements && { statement_timeout: statementTimeoutMs }),
      // A server out of reach cannot cancel anything: the client stops waiting a little later.
      query_timeout: statementTimeoutMs + 1_000,
    }),
  });
  const availability = new DatabaseAvailability(options.logger);
  const dialect = new PostgresDialect({
    pool: preparingPool(pool, { prepare: preparedStatements, availability }),
  });
  return new Kysely<Database>({ dialect });
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
