import { loadConfig } from '../../config.js';
import { createDatabase } from '../../db/database.js';
import { migrateToLatest, migrationDatabaseOptions } from '../../db/migrate.js';

export async function migrateCommand(): Promise<number> {
  const config = loadConfig();
  const db = createDatabase(config.databaseUrl, migrationDatabaseOptions(config));
  try {
    const { applied } = await migrateToLatest(db);
    process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await db.destroy();
  }
}
