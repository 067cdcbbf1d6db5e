import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database `planbrygga_bench_<random>` on the server of `DATABASE_URL`
 * (default: the local one), so a benchmark never touches real or test data.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `planbrygga_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { maxConnections: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return {
    name,
    url: url.toString(),
    drop: () => dropWhenIdle(adminUrl, name),
  };
}

/**
 * Drops the database once its sessions are gone: pg's pools resolve end() before their
 * sockets close, and a forced drop at once terminates those clients mid-goodbye, an uncaught
 * error in the benchmark process. What is left after ten seconds is forced.
 */
async function dropWhenIdle(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    const sessions = async () =>
      (
        await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        )
      ).rows[0]?.n;
    while ((await sessions()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
