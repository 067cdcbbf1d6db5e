import { pino } from 'pino';
import { buildApp } from '../../app.js';
import { closeDependencies, createDependencies } from '../../compose.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';

/** Prints the OpenAPI document. Builds the app without connecting to anything. */
export async function openapiCommand(): Promise<number> {
  const config = loadConfig();
  const deps = createDependencies(config, createLogger('error', pino.destination(2)));
  const app = await buildApp(deps);
  try {
    await app.ready();
    process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`);
    return 0;
  } finally {
    await app.close();
    await closeDependencies(deps);
  }
}
