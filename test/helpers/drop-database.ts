import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

/**
 * Drops a test's own database once its sessions are gone. pg's pools resolve end() before
 * their clients' sockets close; a forced drop right away terminates those mid-goodbye, and
 * the FATAL surfaces in the test process as an uncaught error. Force only what is left
 * after a few seconds.
 */
export async function dropDatabaseWhenIdle(admin: Db, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where datname = ${name}`.execute(admin);
    if (rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
}
