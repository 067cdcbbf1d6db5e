import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

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
 * statement on a connection once, then only binds and executes it.
 */
class PreparingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient) {}

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query(sqlOrCursor: string | object, parameters?: readonly unknown[]): unknown {
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never);
    const name = names.get(sqlOrCursor);
    const values = parameters as unknown[];
    return name === undefined
      ? this.client.query(sqlOrCursor, values)
      : this.client.query({ name, text: sqlOrCursor, values });
  }

  release(): void {
    this.client.release();
  }
}

/** kysely's pool: connections of `pool` that send marked statements prepared, everything else as before. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  // kysely keeps its own state per pooled connection object, so each gets one wrapper.
  const clients = new WeakMap<pg.PoolClient, PreparingClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let preparing = clients.get(client);
      if (!preparing) {
        preparing = new PreparingClient(client);
        clients.set(client, preparing);
      }
      return preparing;
    },
    end: () => pool.end(),
  };
}
