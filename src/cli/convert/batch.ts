/** Runs many documents through one job each: bounded concurrency, counters, progress and the report. */
import type { CliIo } from './cli-io.js';
import { failure, type NamedOutcome } from './outcome.js';
import { forEachBounded } from './pool.js';
import type { Progress } from './progress.js';
import type { ReportWriter } from './report.js';
import { Tally } from './summary.js';

export interface BatchOptions {
  concurrency: number;
  progress?: Progress;
  report?: ReportWriter;
  /** One document: the summary lists every issue and warning, not the first few. */
  detailed?: boolean;
  /** Called with each outcome as it arrives (validate --json prints it). */
  onOutcome?: (outcome: NamedOutcome) => Promise<void>;
}

/** `job` names its outcome; a job that throws (an I/O error) is counted as failed under `name(item)`. */
export async function runBatch<T>(
  items: AsyncIterable<T> | Iterable<T>,
  name: (item: T) => string,
  job: (item: T) => Promise<NamedOutcome>,
  options: BatchOptions,
): Promise<Tally> {
  const tally = new Tally(options.detailed ?? false);
  await forEachBounded(items, options.concurrency, async (item) => {
    let outcome: NamedOutcome;
    try {
      outcome = await job(item);
    } catch (err) {
      outcome = { input: name(item), ...failure(err) };
    }
    tally.add(outcome);
    options.progress?.tick();
    await options.report?.write(outcome);
    await options.onOutcome?.(outcome);
  });
  options.progress?.end();
  return tally;
}

/** Writes the summary to stderr and turns the tally into the exit code: 0 when every document went through. */
export function finish(io: CliIo, tally: Tally, verb: string, reportPath?: string): number {
  io.stderr.write(tally.format(verb, reportPath));
  return tally.allSucceeded ? 0 : 1;
}
