import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { buildApp } from '../../app.js';
import { closeDependencies, createDependencies } from '../../compose.js';
import { loadConfig } from '../../config.js';
import { migrateToLatest } from '../../db/migrate.js';

/** `serve`: migrates, then runs the API until SIGINT/SIGTERM, closing connections gracefully. */
export async function serveCommand(args: string[]): Promise<number> {
  // --no-workers is accepted from the start so deployment scripts need not change when workers arrive.
  parseArgs({ args, options: { 'no-workers': { type: 'boolean' } }, strict: true });
  const config = loadConfig();
  const deps = createDependencies(config);
  const { applied } = await migrateToLatest(deps.db);
  if (applied.length) deps.logger.info({ applied }, 'migrations applied');
  const app = await buildApp(deps);

  closeWithGrace({ delay: 10_000, logger: deps.logger }, async ({ signal, err }) => {
    if (err) deps.logger.error({ err }, 'closing after an uncaught error');
    else deps.logger.info({ signal }, 'closing');
    await app.close();
    await closeDependencies(deps);
  });

  await app.listen({ port: config.port, host: config.host });
  return 0;
}
