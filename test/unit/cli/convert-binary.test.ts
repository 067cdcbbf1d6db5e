// The real binary, end to end: bin/planbrygga.js over the compiled dist, with no database or
// Redis reachable (their URLs point at closed ports) to prove convert does not need them.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
// Copies of formats/examples, so the tests pass without the shared folder.
const EXAMPLES = join(ROOT, 'test/adapters/fixtures');
const EXAMPLE = join(EXAMPLES, 'lss-gruppbostad-elias.procapita.xml');

let dir: string;
beforeAll(async () => {
  // Type errors elsewhere in a shared checkout do not stop tsc from emitting; the tests below judge the result.
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
  });
  dir = await mkdtemp(join(tmpdir(), 'planbrygga-binary-'));
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function planbrygga(args: string[], input?: Buffer) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/planbrygga.js'), ...args], {
    input,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
    },
  });
}

describe('planbrygga convert (the binary)', () => {
  it('converts stdin to stdout, validates, and exits 2 on a usage error', async () => {
    const converted = planbrygga(
      ['convert', '--from', 'procapita', '--to', 'pulsen-combine'],
      await readFile(EXAMPLE),
    );
    expect(converted.stderr.toString()).toBe('converted 1 of 1 document\n');
    expect(converted.status).toBe(0);
    expect(JSON.parse(converted.stdout.toString()).dokumenttyp).toBe('genomforandeplan');

    const file = join(dir, 'elias.pulsen-combine.json');
    await writeFile(file, converted.stdout);
    const validated = planbrygga(['validate', '--from', 'pulsen-combine', file]);
    expect(validated.status).toBe(0);

    const usage = planbrygga(['convert', '--from', 'procapita', '--to', 'excel']);
    expect(usage.status).toBe(2);
    expect(usage.stderr.toString()).toBe('--to must be one of procapita, lifecare, pulsen-combine, fhir\n');
  });

  it('converts a folder in worker threads (batches of 32, the last one short), with a summary free of escape codes and exit 1 for a refusal', async () => {
    const input = join(dir, 'in');
    await mkdir(join(input, 'sub'), { recursive: true });
    for (let i = 0; i < 70; i++) {
      const name = i % 2 ? 'hemtjanst-astrid' : 'lss-gruppbostad-elias';
      await writeFile(
        join(input, 'sub', `${i}.lifecare.xml`),
        await readFile(join(EXAMPLES, `${name}.lifecare.xml`)),
      );
    }
    await writeFile(join(input, 'broken.lifecare.xml'), '<Genomforandeplan');
    const run = planbrygga([
      'convert',
      '--from',
      'lifecare',
      '--to',
      'procapita',
      '--workers',
      '2',
      input,
      join(dir, 'out'),
    ]);
    const stderr = run.stderr.toString();
    expect(stderr).toContain('converted 70 of 71 documents');
    expect(stderr).toMatch(/broken\.lifecare\.xml: 400 /);
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toContain('\u001b');
    expect(run.status).toBe(1);
    expect((await readdir(join(dir, 'out/sub'))).sort()).toEqual(
      Array.from({ length: 70 }, (_, i) => `${i}.procapita.xml`).sort(),
    );
  });
});
