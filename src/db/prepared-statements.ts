import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { type DatabaseAvailability, isDatabaseUnavailable } from './availability.js';

/**
 * The statements a push sends on every request, parsed and planned by PostgreSQL once per
 * connection instead of once per request: for the push's write that was about a third of
 * PostgreSQL's work (bench/ingest.ts). Only texts marked with `preparedStatement` are prepared.
 * A marked text must not vary with its data (writes.ts), and a marked read must name its
 * result columns rather than `select *`, so a migration that adds a column does not change a
 * prepared statement's result type under a running process.
 */
const names = new Map<string, string>();

/**
 * More distinct texts than this are sent unprepared: a bound on what each connection keeps,
 * should a caller ever mark texts that vary.
 */
const MAX_PREPARED = 200;

/** Marks `text` to be sent as a named prepared statement, and returns it. */
export function preparedStatement(text: string): string {
  if (!names.has(text) && names.size < MAX_PREPARED) names.set(text, `planbrygga_${names.size + 1}`);
  return text;
}

/**
 * A pooled connection that sends marked statements by name: node-postgres parses a named
 * statement on a connection once, then only binds and executes it. With `prepare` off (a
 * pooler in transaction mode in front of PostgreSQL, where a named statement may meet another
 * server connection) every statement is sent unnamed.
 *
 * A connection that failed because the database went away is discarded on release, never
 * handed out again: also one whose statement timed out on our side, which may still be running
 * on the server.
 */
class PreparingClient implements PostgresPoolClient {
  #broken = false;
  readonly #connectedAt = Date.now();

  constructor(
    private readonly client: pg.PoolClient,
    private readonly prepare: boolean,
    private readonly availability: DatabaseAvailability,
  ) {
    // Held by a caller between statements (inside a transaction), a connection that breaks
    // emits 'error' with nobody listening: node would treat that as an uncaught error.
    client.on('error', (error) => this.#lost(error));
  }

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query(sqlOrCursor: string | object, parameters?: readonly unknown[]): unknown {
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never);
    const name = this.prepare ? names.get(sqlOrCursor) : undefined;
    const values = parameters as unknown[];
    const result =
      name === undefined
        ? this.client.query(sqlOrCursor, values)
        : this.client.query({ name, text: sqlOrCursor, values });
    return result.then(
      (rows) => {
        this.availability.answered(this.#connectedAt);
        return rows;
      },
      (error: unknown) => {
        if (isDatabaseUnavailable(error)) this.#lost(error);
        throw error;
      },
    );
  }

  release(): void {
    if (this.#broken) this.client.release(true);
    else this.client.release();
  }

  #lost(error: unknown): void {
    this.#broken = true;
    this.availability.lost(error);
  }
}

export interface PreparingPoolOptions {
  /** Send marked statements as named prepared statements (DATABASE_PREPARED_STATEMENTS). */
  prepare: boolean;
  availability: DatabaseAvailability;
}

/** kysely's pool: connections of `pool` that send marked statements prepared, everything else as before. */
export function preparingPool(pool: pg.Pool, { prepare, availability }: PreparingPoolOptions): PostgresPool {
  // kysely keeps its own state per pooled connection object, so each gets one wrapper.
  const clients = new WeakMap<pg.PoolClient, PreparingClient>();
  // An idle connection the server closed (a restart, a failover) is dropped by the pool; without
  // this listener the pool's 'error' event would be an uncaught error that stops the process.
  pool.on('error', (error) => availability.lost(error));
  return {
    connect: async () => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        if (isDatabaseUnavailable(error)) availability.lost(error);
        throw error;
      }
      let preparing = clients.get(client);
      if (!preparing) {
        preparing = new PreparingClient(client, prepare, availability);
        clients.set(client, preparing);
      }
      return preparing;
    },
    end: () => pool.end(),
  };
}
