import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { finish, runBatch } from '../convert/batch.js';
import { type CliIo, processIo } from '../convert/cli-io.js';
import {
  type ConvertPlan,
  documentStream,
  folderOfDocuments,
  type Sink,
  singleDocument,
} from '../convert/convert-jobs.js';
import { sourceFormat, targetFormat } from '../convert/formats.js';
import { concurrencyOption, workersOption } from '../convert/options.js';
import { createProgress, type Progress } from '../convert/progress.js';
import { openReport } from '../convert/report.js';
import { countFiles, fileFilter, outputName } from '../convert/walk.js';
import { UsageError } from '../usage-error.js';

export const CONVERT_USAGE = `usage: planbrygga convert --from SYSTEM --to SYSTEM [options] [IN] [OUT]
  IN    a file, a folder, or - (the default) for stdin
  OUT   a file, or - (the default) for stdout; a folder when IN is a folder
        (files are found recursively and written at the same relative paths,
        plan.procapita.xml becoming plan.lifecare.xml, folders created as needed)
  --from procapita|lifecare|pulsen-combine
  --to   procapita|lifecare|pulsen-combine|fhir
  --all            in a folder, read every file, not only those ending in the source's extension
  --report FILE    write one JSON line per document (all problems, all warnings) to FILE
  --null, -0       IN and OUT hold many documents, each ended by a NUL byte; a refused
                   document gives an empty one, so outputs line up with inputs
  --concurrency N  a folder's documents handed to worker threads at a time (default 8; at
                   least two batches of 32 per worker)
  --workers N      worker threads converting a folder's files (default: one per core, up to 4;
                   0 converts in the main thread)
exit status: 0 every document converted, 1 any refused or failed, 2 a usage error`;

/** `convert`: native documents of one system into another's; needs no database. */
export async function convertCommand(args: string[], io: CliIo = processIo()): Promise<number> {
  const { values, positionals } = parseOptions(args);
  if (values.help) {
    io.stderr.write(`${CONVERT_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 2) throw new UsageError(`too many arguments\n${CONVERT_USAGE}`);
  const formats = { source: sourceFormat(values.from), target: targetFormat(values.to) };
  const [input = '-', output = '-'] = positionals;
  const concurrency = concurrencyOption(values.concurrency);
  const workers = workersOption(values.workers);

  const inputStats = input === '-' ? undefined : await statOrUsage(input, 'IN');
  const sink = async (): Promise<Sink> => {
    if (output === '-') return { kind: 'stdout' };
    const outStats = await stat(output).catch(() => undefined);
    if (outStats?.isDirectory()) {
      const name = input === '-' ? 'stdin' : basename(input);
      const renamed = outputName(
        name,
        { system: formats.source.system, ext: formats.source.fileExtension },
        { system: formats.target.system, ext: formats.target.fileExtension },
      );
      return { kind: 'file', path: join(output, renamed) };
    }
    return { kind: 'file', path: output };
  };

  if (inputStats?.isDirectory()) {
    if (values.null) throw new UsageError('--null reads a stream, not a folder');
    if (output === '-')
      throw new UsageError(`a folder is converted into a folder: give OUT\n${CONVERT_USAGE}`);
    await checkFolders(input, output);
    await mkdir(output, { recursive: true });
    const accept = fileFilter(formats.source.fileExtension, values.all ?? false);
    // Counted first on a terminal only, where the bar shows an ETA.
    const total = io.stderr.isTTY ? await countFiles(input, accept) : undefined;
    const job = { from: formats.source.system, to: formats.target.system, inRoot: input, outRoot: output };
    const plan = folderOfDocuments(io, job, accept, { concurrency, workers });
    return execute(io, plan, { report: values.report, progress: createProgress(io, total, 'converting') });
  }
  if (values.null) {
    const plan = documentStream(io, formats, input, await sink());
    return execute(io, plan, {
      report: values.report,
      progress: createProgress(io, undefined, 'converting'),
    });
  }
  return execute(io, singleDocument(io, formats, input, await sink()), {
    report: values.report,
    progress: undefined,
  });
}

async function execute<T>(
  io: CliIo,
  plan: ConvertPlan<T>,
  options: { report: string | undefined; progress: Progress | undefined },
): Promise<number> {
  const report = options.report ? await openReport(options.report) : undefined;
  try {
    const tally = await runBatch(plan.items, plan.name, plan.job, {
      concurrency: plan.concurrency,
      progress: options.progress,
      report,
      // One document: every issue and warning in the summary, not the first few.
      detailed: options.progress === undefined,
    });
    return finish(io, tally, 'converted', options.report);
  } finally {
    await plan.close?.();
    await report?.close();
  }
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        all: { type: 'boolean' },
        report: { type: 'string' },
        null: { type: 'boolean', short: '0' },
        concurrency: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${CONVERT_USAGE}`);
  }
}

async function statOrUsage(path: string, what: string) {
  try {
    return await stat(path);
  } catch {
    throw new UsageError(`${what} ${path} cannot be read`);
  }
}

/** Writing into the folder being walked would convert our own output; refuse before starting. */
async function checkFolders(input: string, output: string): Promise<void> {
  const inReal = await realpath(input);
  const outReal = await realpath(output).catch(() => resolve(output));
  const inside = relative(inReal, outReal);
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith('/')))
    throw new UsageError('OUT must not be IN or a folder inside it');
}
