import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatAdapters } from '../../../adapters/index.js';
import type { FormatAdapter } from '../../../adapters/types.js';
import { convertCommand } from '../../../src/cli/commands/convert.command.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import type { Plan } from '../../../src/domain/plan.js';
import { captureIo } from './cli-io.js';

// Copies of formats/examples, so the tests pass without the shared folder.
const EXAMPLES = join(import.meta.dirname, '../../adapters/fixtures');
const PROCAPITA_FIXTURES = join(import.meta.dirname, '../../../adapters/procapita/fixtures');
const example = (name: string) => readFile(join(EXAMPLES, name));
// The identity numbers in the documents below; no summary or report may contain them.
const IDENTITY_NUMBERS = ['193808149821', '199105239835', '194405129827', '19380814-9821'];

function planOf(adapter: FormatAdapter, bytes: Uint8Array): Plan {
  const parsed = adapter.parse(bytes);
  if (!parsed.ok) throw new Error(`not parsed: ${JSON.stringify(parsed.issues)}`);
  return parsed.plan;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'planbrygga-convert-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('convert one document', () => {
  it('converts a Procapita file into a Lifecare file carrying the same plan', async () => {
    const out = join(dir, 'astrid.lifecare.xml');
    const { io, stderr } = captureIo();
    const code = await convertCommand(
      ['--from', 'procapita', '--to', 'lifecare', join(EXAMPLES, 'hemtjanst-astrid.procapita.xml'), out],
      io,
    );
    expect(code).toBe(0);
    expect(stderr()).toContain('converted 1 of 1 document');
    const source = planOf(formatAdapters.procapita, await example('hemtjanst-astrid.procapita.xml'));
    expect(planOf(formatAdapters.lifecare, await readFile(out))).toEqual(source);
    expect(await readdir(dir)).toEqual(['astrid.lifecare.xml']); // no partial file left behind
  });

  it('reads stdin and writes Procapita ISO-8859-1 bytes to stdout', async () => {
    const { io, stdout } = captureIo({ stdin: await example('hemtjanst-astrid.lifecare.xml') });
    const code = await convertCommand(['--from', 'lifecare', '--to', 'procapita'], io);
    expect(code).toBe(0);
    const bytes = stdout();
    expect(bytes.toString('latin1')).toMatch(/^<\?xml version="1.0" encoding="ISO-8859-1"\?>\r\n/);
    // "hemtjänst": ä is the single byte E4, never UTF-8's C3 A4.
    expect(bytes.includes(Buffer.from('hemtj\u00e4nst', 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0xa4]))).toBe(false);
    const source = planOf(formatAdapters.lifecare, await example('hemtjanst-astrid.lifecare.xml'));
    expect(planOf(formatAdapters.procapita, bytes)).toEqual(source);
  });

  it('writes into OUT when it is a folder, named after the target system', async () => {
    const { io } = captureIo();
    const input = join(EXAMPLES, 'lss-gruppbostad-elias.lifecare.xml');
    expect(await convertCommand(['--from', 'lifecare', '--to', 'pulsen-combine', input, dir], io)).toBe(0);
    const written = await readFile(join(dir, 'lss-gruppbostad-elias.pulsen-combine.json'));
    expect(planOf(formatAdapters['pulsen-combine'], written)).toEqual(
      planOf(formatAdapters.lifecare, await readFile(input)),
    );
  });

  it('exports a FHIR Bundle whose CarePlan status follows the dates', async () => {
    const { io, stdout } = captureIo({ stdin: await example('hemtjanst-astrid.pulsen-combine.json') });
    expect(await convertCommand(['--from', 'pulsen-combine', '--to', 'fhir', '-', '-'], io)).toBe(0);
    const bundle = JSON.parse(stdout().toString('utf8'));
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.identifier.value).toBe('100482/1');
    const carePlan = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'CarePlan',
    );
    expect(carePlan.resource.status).toBe('active'); // communicated, so in force
  });

  it('refuses a bad document with exit 1, every issue on stderr and nothing on stdout', async () => {
    const { io, stdout, stderr } = captureIo({
      stdin: await readFile(join(PROCAPITA_FIXTURES, 'many-problems.procapita.xml')),
    });
    expect(await convertCommand(['--from', 'procapita', '--to', 'lifecare'], io)).toBe(1);
    expect(stdout().length).toBe(0);
    expect(stderr()).toContain('stdin: 422');
    expect(stderr()).toContain('/PROCAPITA_EXPORT/GENOMFORANDEPLAN/BRUKARE/@PNR has a wrong check digit');
    expect(stderr()).toContain('/PROCAPITA_EXPORT/GENOMFORANDEPLAN/INSATS[2]/BESTALLT_MAL is required');
    for (const number of IDENTITY_NUMBERS) expect(stderr()).not.toContain(number);
  });
});

// Folders are converted in this thread here (--workers 0): the worker script exists only compiled,
// so convert-binary.test.ts runs the worker threads.
describe('convert a folder', () => {
  async function mixedFolder(): Promise<string> {
    const input = join(dir, 'in');
    await mkdir(join(input, 'unit-a/deeper'), { recursive: true });
    await writeFile(join(input, 'astrid.procapita.xml'), await example('hemtjanst-astrid.procapita.xml'));
    await writeFile(
      join(input, 'unit-a/elias.procapita.xml'),
      await example('lss-gruppbostad-elias.procapita.xml'),
    );
    for (const bad of ['many-problems', 'truncated'])
      await writeFile(
        join(input, `unit-a/deeper/${bad}.procapita.xml`),
        await readFile(join(PROCAPITA_FIXTURES, `${bad}.procapita.xml`)),
      );
    await writeFile(join(input, 'unit-a/notes.txt'), 'not a plan');
    return input;
  }

  it('mirrors the folder, summarises refusals with reasons, exits 1 and reports every document', async () => {
    const input = await mixedFolder();
    const output = join(dir, 'out');
    const report = join(dir, 'report.jsonl');
    const { io, stderr } = captureIo();
    const code = await convertCommand(
      ['--from', 'procapita', '--to', 'lifecare', '--workers', '0', '--report', report, input, output],
      io,
    );
    expect(code).toBe(1);
    expect((await readdir(output, { recursive: true })).sort()).toEqual([
      'astrid.lifecare.xml',
      'unit-a',
      'unit-a/elias.lifecare.xml',
    ]);
    const summary = stderr();
    expect(summary).toContain('converted 2 of 4 documents');
    expect(summary).toContain('refused 2');
    expect(summary).toMatch(
      /unit-a\/deeper\/many-problems\.procapita\.xml: 422 \/PROCAPITA_EXPORT\/@VERSION must be 4\.2.*\(\+5 more\)/,
    );
    expect(summary).toMatch(
      /unit-a\/deeper\/truncated\.procapita\.xml: 400 the document is not well-formed XML/,
    );
    expect(summary).not.toContain('\x1b'); // stderr is not a terminal: no escape codes
    expect(summary).not.toContain('\r');

    const lines = (await readFile(report, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    const byInput = Object.fromEntries(lines.map((l) => [l.input, l]));
    expect(byInput['unit-a/elias.procapita.xml']).toMatchObject({
      result: 'converted',
      output: 'unit-a/elias.lifecare.xml',
    });
    expect(byInput['unit-a/deeper/many-problems.procapita.xml']).toMatchObject({
      result: 'refused',
      stage: 'parse',
      status: 422,
    });
    expect(byInput['unit-a/deeper/many-problems.procapita.xml'].issues).toHaveLength(8);
    for (const number of IDENTITY_NUMBERS) {
      expect(summary).not.toContain(number);
      expect(JSON.stringify(lines)).not.toContain(number);
    }
  });

  it('reads every file with --all, and counts a file that is not a plan as refused', async () => {
    const input = await mixedFolder();
    const { io, stderr } = captureIo();
    expect(
      await convertCommand(
        ['--from', 'procapita', '--to', 'lifecare', '--workers', '0', '--all', input, join(dir, 'out')],
        io,
      ),
    ).toBe(1);
    expect(stderr()).toContain('converted 2 of 5 documents');
    expect(stderr()).toMatch(/unit-a\/notes\.txt: 400/);
  });

  it('exits 0 when every document converts', async () => {
    const input = join(dir, 'in');
    await mkdir(input);
    await writeFile(join(input, 'a.procapita.xml'), await example('hemtjanst-astrid.procapita.xml'));
    const { io, stderr } = captureIo();
    expect(
      await convertCommand(
        ['--from', 'procapita', '--to', 'pulsen-combine', '--workers', '0', input, join(dir, 'out')],
        io,
      ),
    ).toBe(0);
    expect(stderr()).toBe('converted 1 of 1 document\n');
    await expect(readFile(join(dir, 'out/a.pulsen-combine.json'))).resolves.toBeInstanceOf(Buffer);
  });

  it('draws a bar with count, rate and ETA on a terminal', async () => {
    const input = await mixedFolder();
    const { io, stderr } = captureIo({ tty: true });
    await convertCommand(
      ['--from', 'procapita', '--to', 'lifecare', '--workers', '0', input, join(dir, 'out')],
      io,
    );
    expect(stderr()).toMatch(/\r\[[#-]+\] \d+% converting \d\/4 \d+\/s ETA \d+:\d\d/);
    expect(stderr()).toContain('\x1b[K'); // each redraw clears what a longer line left
    expect(stderr()).toContain('\r\x1b[Kconverted 2 of 4 documents'); // the bar is cleared before the summary
  });
});

describe('convert a NUL-separated stream', () => {
  it('gives one output document per input document, an empty one for a refusal', async () => {
    const nul = Buffer.from([0]);
    const stdin = Buffer.concat([
      await example('hemtjanst-astrid.pulsen-combine.json'),
      nul,
      Buffer.from('{"not": "a plan"}'),
      nul,
      await example('lss-gruppbostad-elias.pulsen-combine.json'),
    ]);
    const { io, stdout, stderr } = captureIo({ stdin });
    expect(await convertCommand(['--from', 'pulsen-combine', '--to', 'lifecare', '-0'], io)).toBe(1);
    const frames = stdout().toString('utf8').split('\0');
    expect(frames).toHaveLength(4); // three documents, each ended by NUL
    expect(frames[1]).toBe('');
    expect(frames[3]).toBe('');
    expect(planOf(formatAdapters.lifecare, Buffer.from(frames[2]!))).toEqual(
      planOf(formatAdapters['pulsen-combine'], await example('lss-gruppbostad-elias.pulsen-combine.json')),
    );
    expect(stderr()).toContain('converted 2 of 3 documents');
    expect(stderr()).toContain('stdin#2: 422');
  });
});

describe('usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown target', ['--from', 'procapita', '--to', 'word'], /--to must be one of/],
    ['no source', ['--to', 'lifecare'], /--from must be one of/],
    ['an unknown option', ['--from', 'procapita', '--to', 'lifecare', '--fast'], /Unknown option '--fast'/],
    ['three paths', ['--from', 'procapita', '--to', 'lifecare', 'a', 'b', 'c'], /too many arguments/],
    ['a missing input', ['--from', 'procapita', '--to', 'lifecare', '/nonexistent/in.xml'], /cannot be read/],
    ['a bad concurrency', ['--from', 'procapita', '--to', 'lifecare', '--concurrency', '0'], /--concurrency/],
  ];
  it.each(cases)('refuses %s', async (_, args, message) => {
    const { io } = captureIo();
    const call = convertCommand(args, io);
    await expect(call).rejects.toBeInstanceOf(UsageError);
    await expect(call).rejects.toThrow(message);
  });

  it('refuses a folder without OUT, and OUT inside IN', async () => {
    const { io } = captureIo();
    const args = ['--from', 'procapita', '--to', 'lifecare', dir];
    await expect(convertCommand(args, io)).rejects.toThrow(/give OUT/);
    await expect(convertCommand([...args, join(dir, 'out')], io)).rejects.toThrow(
      /must not be IN or a folder inside it/,
    );
  });
});
