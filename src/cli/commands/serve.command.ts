import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { runProcess } from '../../runtime.js';

/** `serve`: migrates, then runs the API and, unless `--no-workers`, the outbox relay and workers. */
export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-workers': { type: 'boolean' } }, strict: true });
  await runProcess(loadConfig(), { http: true, workers: !values['no-workers'] });
  return 0;
}
