import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

/**
 * Waits until every transaction that had begun writing when called has finished. The change
 * feed only shows a row once every older write transaction in the cluster has finished, and
 * other test files write concurrently; after this, every row committed before the call shows.
 */
export async function feedSettled(db: Db, timeoutMs = 10_000): Promise<void> {
  const { rows } = await sql<{ horizon: string }>`
    select pg_snapshot_xmax(pg_current_snapshot())::text as horizon`.execute(db);
  const horizon = rows[0]?.horizon ?? '0';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const check = await sql<{ settled: boolean }>`
      select pg_snapshot_xmin(pg_current_snapshot()) >= ${horizon}::xid8 as settled`.execute(db);
    if (check.rows[0]?.settled) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`transactions older than ${horizon} still running after ${timeoutMs} ms`);
}
