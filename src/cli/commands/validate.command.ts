import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { finish, runBatch } from '../convert/batch.js';
import { type CliIo, processIo, writeChunk } from '../convert/cli-io.js';
import { sourceFormat } from '../convert/formats.js';
import { concurrencyOption } from '../convert/options.js';
import { createProgress } from '../convert/progress.js';
import { openReport } from '../convert/report.js';
import { documentsOf, validateJob } from '../convert/validate-jobs.js';
import { countFiles, fileFilter } from '../convert/walk.js';
import { UsageError } from '../usage-error.js';

export const VALIDATE_USAGE = `usage: planbrygga validate --from SYSTEM [options] FILE…
  FILE  a file, a folder (its files are found recursively), or - for stdin
  --from procapita|lifecare|pulsen-combine
  --all            in a folder, read every file, not only those ending in the source's extension
  --json           print one JSON line per document on stdout: every issue and warning
  --report FILE    write the same JSON lines to FILE
  --concurrency N  documents in flight (default 8)
exit status: 0 every document valid, 1 any refused or unreadable, 2 a usage error`;

/** `validate`: reports what is wrong with documents without converting them; needs no database. */
export async function validateCommand(args: string[], io: CliIo = processIo()): Promise<number> {
  const { values, positionals } = parseOptions(args);
  if (values.help) {
    io.stderr.write(`${VALIDATE_USAGE}\n`);
    return 0;
  }
  const source = sourceFormat(values.from);
  if (positionals.length === 0) throw new UsageError(`give at least one FILE\n${VALIDATE_USAGE}`);
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read once');
  const concurrency = concurrencyOption(values.concurrency);
  let folders = 0;
  for (const path of positionals) {
    if (path === '-') continue;
    const stats = await stat(path).catch(() => undefined);
    if (!stats) throw new UsageError(`FILE ${path} cannot be read`);
    if (stats.isDirectory()) folders++;
  }

  const accept = fileFilter(source.fileExtension, values.all ?? false);
  const many = folders > 0 || positionals.length > 1;
  const total = many && io.stderr.isTTY ? await countAll(positionals, accept) : undefined;
  const report = values.report ? await openReport(values.report) : undefined;
  try {
    const tally = await runBatch(documentsOf(positionals, accept), String, validateJob(io, source), {
      concurrency,
      progress: many ? createProgress(io, total, 'validating') : undefined,
      report,
      detailed: !many,
      onOutcome: values.json ? (o) => writeChunk(io.stdout, `${JSON.stringify(o)}\n`) : undefined,
    });
    return finish(io, tally, 'valid', values.report);
  } finally {
    await report?.close();
  }
}

async function countAll(paths: string[], accept: (name: string) => boolean): Promise<number> {
  let total = 0;
  for (const path of paths) {
    const folder = path !== '-' && (await stat(path)).isDirectory();
    total += folder ? await countFiles(path, accept) : 1;
  }
  return total;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${VALIDATE_USAGE}`);
  }
}
