import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { runProcess } from '../../runtime.js';

/**
 * `worker`: migrates, then runs the outbox relay and the queue workers, without HTTP. Scale
 * it out freely: relays share the outbox with SKIP LOCKED and BullMQ gives each job to one worker.
 */
export async function workerCommand(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true });
  await runProcess(loadConfig(), { http: false, workers: true });
  return 0;
}
