import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../../src/cli/commands/validate.command.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import { captureIo } from './cli-io.js';

// Copies of formats/examples, so the tests pass without the shared folder.
const EXAMPLES = join(import.meta.dirname, '../../adapters/fixtures');
const LIFECARE_FIXTURES = join(import.meta.dirname, '../../../adapters/lifecare/fixtures');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'planbrygga-validate-'));
  await mkdir(join(dir, 'plans/older'), { recursive: true });
  await writeFile(
    join(dir, 'plans/astrid.xml'),
    await readFile(join(EXAMPLES, 'hemtjanst-astrid.lifecare.xml')),
  );
  for (const name of ['refused-identity-number-check-digit', 'refused-wrong-root'])
    await writeFile(
      join(dir, `plans/older/${name}.xml`),
      await readFile(join(LIFECARE_FIXTURES, `${name}.lifecare.xml`)),
    );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validate', () => {
  it('exits 0 for a valid document and writes nothing on stdout', async () => {
    const { io, stdout, stderr } = captureIo();
    expect(await validateCommand(['--from', 'lifecare', join(dir, 'plans/astrid.xml')], io)).toBe(0);
    expect(stdout().length).toBe(0);
    expect(stderr()).toBe('valid 1 of 1 document\n');
  });

  it('walks folders, names each refused file with its reason and exits 1', async () => {
    const { io, stderr } = captureIo();
    expect(await validateCommand(['--from', 'lifecare', join(dir, 'plans')], io)).toBe(1);
    const summary = stderr();
    expect(summary).toContain('valid 1 of 3 documents');
    expect(summary).toContain('refused 2');
    expect(summary).toMatch(
      /plans\/older\/refused-identity-number-check-digit\.xml: 422 \/Genomforandeplan\/Brukare\/Samordningsnummer has a wrong check digit/,
    );
    expect(summary).toMatch(/plans\/older\/refused-wrong-root\.xml: 422 \/Plan must be Genomforandeplan/);
    expect(summary).not.toContain('\x1b');
  });

  it('prints one JSON line per document with --json', async () => {
    const { io, stdout } = captureIo();
    const files = [join(dir, 'plans/astrid.xml'), join(dir, 'plans/older/refused-wrong-root.xml')];
    expect(await validateCommand(['--from', 'lifecare', '--json', ...files], io)).toBe(1);
    const lines = stdout()
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.input, l.result])).toEqual([
      [files[0], 'valid'],
      [files[1], 'refused'],
    ]);
    expect(lines[1].issues[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it('reads stdin for -', async () => {
    const { io, stderr } = captureIo({ stdin: Buffer.from('{"dokumenttyp": "genomforandeplan"') });
    expect(await validateCommand(['--from', 'pulsen-combine', '-'], io)).toBe(1);
    expect(stderr()).toMatch(/stdin: 400\n {4}is not well-formed JSON/);
  });

  it('refuses a call without files, an unknown system or a missing file as usage errors', async () => {
    const { io } = captureIo();
    await expect(validateCommand(['--from', 'lifecare'], io)).rejects.toThrow(/give at least one FILE/);
    await expect(validateCommand(['--from', 'fhir', 'x'], io)).rejects.toThrow(/--from must be one of/);
    await expect(validateCommand(['--from', 'lifecare', join(dir, 'nope')], io)).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});
