import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { MIGRATIONS } from './migration-list.js';

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
