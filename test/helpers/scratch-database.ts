import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { dropDatabaseWhenIdle } from './drop-database.js';

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of the test's own, migrated like the run's: for tests that look at every row
 * (a dump, a rotation of every value) and so must not see other test files' rows.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const runUrl = new URL(inject('databaseUrl'));
  const name = `${runUrl.pathname.slice(1)}_${label}_${randomBytes(3).toString('hex')}`;
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  await admin(runUrl, `create database "${name}"`);
  const db = createDatabase(url.toString(), { maxConnections: 1 });
  try {
    await migrateToLatest(db);
    await sql`create sequence test_organisation_seq start with 1000 maxvalue 9999`.execute(db);
  } finally {
    await db.destroy();
  }
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const runDb = createDatabase(runUrl.toString(), { maxConnections: 1 });
      try {
        await dropDatabaseWhenIdle(runDb, name);
      } finally {
        await runDb.destroy();
      }
    },
  };
}

async function admin(url: URL, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A scratch database opened as the application opens it (its own pool), for tests that count
 * every outbox row or run worker processes that relay every row they find. `drop` closes the
 * pool and drops the database once its sessions are gone.
 */
export async function isolatedDatabase(
  label: string,
): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(label);
  const db = createDatabase(scratch.url);
  return {
    url: scratch.url,
    db,
    drop: async () => {
      await db.destroy();
      await scratch.drop();
    },
  };
}
