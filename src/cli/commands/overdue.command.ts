import { parseArgs } from 'node:util';
import { serviceContext } from '../../app.js';
import { closeDependencies, createDependencies } from '../../compose.js';
import { loadConfig } from '../../config.js';
import { isCalendarDate } from '../../domain/calendar-date.js';
import { createLogger } from '../../logger.js';
import { scanOverdue } from '../../services/overdue.service.js';
import { UsageError } from '../usage-error.js';

const USAGE = 'usage: planbrygga overdue scan [--date YYYY-MM-DD]';

/**
 * `overdue scan`: the nightly overdue scan, run by hand (safe beside the scheduled one). The
 * date defaults to today in Stockholm. The report (JSON) goes to stdout.
 */
export async function overdueCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'scan') throw new UsageError(USAGE);
  const { values } = parseArgs({ args: rest, options: { date: { type: 'string' } }, strict: true });
  if (values.date !== undefined && !isCalendarDate(values.date)) {
    throw new UsageError(`--date must be a date that exists, written YYYY-MM-DD\n${USAGE}`);
  }
  const config = loadConfig();
  // Log lines (warnings about development keys) go to stderr with the messages; stdout is the data.
  const deps = createDependencies(config, createLogger(config.logLevel, process.stderr));
  try {
    const ctx = serviceContext(deps);
    const report = await scanOverdue(ctx, ...(values.date ? [values.date] : []));
    process.stderr.write(
      `overdue scan: ${report.plans} plans, ${report.became} became overdue, ${report.cleared} cleared\n`,
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await closeDependencies(deps);
  }
}
