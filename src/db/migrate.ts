import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import type { Config } from '../config.js';
import type { DatabaseOptions } from './database.js';
import { MIGRATIONS } from './migration-list.js';

/**
 * The connection migrations run on: one, without the statement timeout of requests (building
 * an index on a large table may take minutes).
 */
export function migrationDatabaseOptions(config: Pick<Config, 'database'>): DatabaseOptions {
  return { ...config.database, maxConnections: 1, statementTimeoutMs: 0 };
}

export interface MigrationReport {
  applied: string[];
}

/** Applies every pending migration in name (epoch) order. Safe to run concurrently: kysely takes a lock. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  return report(await migrator.migrateToLatest());
}

function report({ error, results }: MigrationResultSet): MigrationReport {
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const where = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`migration failed${where}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
