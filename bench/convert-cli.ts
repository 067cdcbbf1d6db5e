// Convert CLI: `planbrygga convert --from procapita --to lifecare DIR OUT` on generated folders
// of Procapita files, as a child process: wall time, files/s and peak RSS. Run at two sizes so
// the peaks show whether memory grows with the number of files (it must not). Goals: at least
// 1,000 files/s and a peak RSS under 300 MiB. The floor, measured on the same folder right after:
// the CLI's own file handling without the conversion (bench/support/bare-copy.ts).
// npm run bench -- convert-cli [--count 100000] [--small 10000] [--concurrency 8]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { integerOptions } from './support/options.js';

const EXAMPLE = new URL('../../adapters/procapita/fixtures/hemtjanst-astrid.procapita.xml', import.meta.url);
const CLI = new URL('../../bin/planbrygga.js', import.meta.url).pathname;
const TIME = '/usr/bin/time';
const BARE_COPY = new URL('./support/bare-copy.js', import.meta.url).pathname;
const RATE_GOAL = 1000;
const RSS_GOAL_MIB = 300;

export async function run(args: string[]): Promise<void> {
  const opts = integerOptions(args, { count: 100_000, small: 10_000, concurrency: 8 });
  const example = readFileSync(EXAMPLE).toString('latin1');
  if (!example.includes('PLANID="100482"')) throw new Error('the example no longer has PLANID="100482"');
  const root = await mkdtemp(join(tmpdir(), 'planbrygga-convert-bench-'));
  console.log(`convert-cli: Procapita → Lifecare, folders in ${root}`);
  try {
    for (const count of [...new Set([opts.small, opts.count])].sort((a, b) => a - b)) {
      const input = join(root, `in-${count}`);
      const output = join(root, `out-${count}`);
      const started = performance.now();
      await generate(example, input, count);
      const generated = (performance.now() - started) / 1000;
      const result = await timed(convertArgs(opts.concurrency), input, output);
      await expectFiles(output, count, result);
      await rm(output, { recursive: true });
      const floor = await timed([BARE_COPY], input, output);
      await expectFiles(output, count, floor);
      const rate = count / result.seconds;
      console.log(
        `  ${count} files (generated in ${generated.toFixed(1)} s): ${result.seconds.toFixed(1)} s, ` +
          `${rate.toFixed(0)} files/s (goal ≥ ${RATE_GOAL}: ${rate >= RATE_GOAL ? 'met' : 'NOT met'}), ` +
          `peak RSS ${result.peakMiB.toFixed(0)} MiB (goal < ${RSS_GOAL_MIB}: ${result.peakMiB < RSS_GOAL_MIB ? 'met' : 'NOT met'})`,
      );
      console.log(
        `    floor, the same files read and written whole without converting: ${floor.seconds.toFixed(1)} s, ` +
          `${(count / floor.seconds).toFixed(0)} files/s; ratio convert/floor ${(floor.seconds / result.seconds).toFixed(2)}`,
      );
      await rm(input, { recursive: true });
      await rm(output, { recursive: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** `count` copies of the example, each with its own PLANID, flat in one folder (the harder case for a walk). */
async function generate(example: string, folder: string, count: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  const batch = 200;
  for (let start = 0; start < count; start += batch) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const document = example.replace('PLANID="100482"', `PLANID="${900000 + i}"`);
      writes.push(writeFile(join(folder, `plan-${i}.procapita.xml`), document, 'latin1'));
    }
    await Promise.all(writes);
  }
}

interface Timed {
  code: number | null;
  seconds: number;
  peakMiB: number;
  stderr: string;
}

function convertArgs(concurrency: number): string[] {
  return [CLI, 'convert', '--from', 'procapita', '--to', 'lifecare', '--concurrency', String(concurrency)];
}

async function expectFiles(folder: string, count: number, result: Timed): Promise<void> {
  const written = await countFiles(folder);
  if (result.code !== 0 || written !== count)
    throw new Error(`exited ${result.code} with ${written}/${count} files written:\n${result.stderr}`);
}

/** Runs `node SCRIPT… INPUT OUTPUT REST…` as a child process: wall time and peak RSS. */
async function timed(script: string[], input: string, output: string, ...rest: string[]): Promise<Timed> {
  const command = [process.execPath, ...script, input, output, ...rest];
  // GNU time prints "Maximum resident set size (kbytes)" for the child; without it, poll VmHWM.
  const useTime = existsSync(TIME);
  const argv = useTime ? [TIME, '-v', ...command] : command;
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let polledKiB = 0;
  const poll = useTime
    ? undefined
    : setInterval(() => (polledKiB = Math.max(polledKiB, vmHwmKiB(child.pid))), 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (poll) clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  const reported = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const peakKiB = reported ? Number(reported[1]) : polledKiB;
  return { code, seconds, peakMiB: peakKiB / 1024, stderr };
}

function vmHwmKiB(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function countFiles(folder: string): Promise<number> {
  return (await readdir(folder)).length;
}
