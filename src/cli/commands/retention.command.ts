import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serviceContext } from '../../app.js';
import { closeDependencies, createDependencies } from '../../compose.js';
import { loadConfig } from '../../config.js';
import { isCalendarDate } from '../../domain/calendar-date.js';
import { createLogger } from '../../logger.js';
import { runRetention } from '../../services/retention.service.js';
import { UsageError } from '../usage-error.js';

const USAGE = 'usage: planbrygga retention run [--dry-run] [--date YYYY-MM-DD]';

/**
 * `retention run`: the daily retention run, by hand (safe beside the scheduled one and safe to
 * interrupt), AUDIT_RETENTION_DAYS included. `--dry-run` decides and counts without changing anything; `--date` applies the
 * rules as on that Stockholm date. The summary (JSON) goes to stdout.
 */
export async function retentionCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'run') throw new UsageError(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { 'dry-run': { type: 'boolean' }, date: { type: 'string' } },
    strict: true,
  });
  if (values.date !== undefined && !isCalendarDate(values.date)) {
    throw new UsageError(`--date must be a date that exists, written YYYY-MM-DD\n${USAGE}`);
  }
  const config = loadConfig();
  // Log lines (warnings about development keys) go to stderr with the messages; stdout is the data.
  const deps = createDependencies(config, createLogger(config.logLevel, process.stderr));
  try {
    const summary = await runRetention(serviceContext(deps), {
      ...(values.date !== undefined && { today: values.date }),
      dryRun: values['dry-run'] ?? false,
      runId: `retention:${randomUUID()}`,
      auditRetentionDays: config.auditRetentionDays,
    });
    const would = summary.dryRun ? 'would be ' : '';
    process.stderr.write(
      `retention ${summary.dryRun ? 'dry run' : 'run'} on ${summary.date}: ${summary.pruned} versions of ${summary.plans} plans ${would}pruned; ${summary.plansRemoved} plans' metadata and ${summary.auditEntriesRemoved} audit entries ${would}removed\n`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    await closeDependencies(deps);
  }
}
