import { describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from '../../../src/cli/cli.js';

/** What the CLI wrote on standard error, and its exit code. */
async function cli(...argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runCli(argv, { write: (chunk: string) => (text += chunk) });
  return { code, text };
}

// Each command with its subcommands, as a user types them before --help or a wrong option.
const INVOCATIONS = [
  ['serve'],
  ['worker'],
  ['destinations', 'create'],
  ['migrate'],
  ['clients', 'create'],
  ['keys', 'status'],
  ['keys', 'rotate'],
  ['openapi'],
  ['policies', 'set'],
  ['policies', 'show'],
  ['overdue', 'scan'],
  ['retention', 'run'],
];

describe('planbrygga <command> --help', () => {
  it.each(INVOCATIONS)('%s %s prints its usage and exits 0', async (...invocation) => {
    const { code, text } = await cli(...invocation.filter(Boolean), '--help');
    expect(code).toBe(0);
    expect(text).toMatch(new RegExp(`^usage: planbrygga ${invocation[0]}`));
  });

  it('knows every command the CLI has', () => {
    const commands = new Set(INVOCATIONS.map(([name]) => name));
    const own = Object.entries(COMMANDS)
      .filter(([, command]) => command.ownHelp)
      .map(([name]) => name);
    expect(Object.keys(COMMANDS).filter((name) => !own.includes(name))).toEqual([...commands]);
  });
});

describe('a wrong option', () => {
  it.each(INVOCATIONS)(
    '%s %s names it, with the usage, exits 2 and shows no stack trace',
    async (...invocation) => {
      const { code, text } = await cli(...invocation.filter(Boolean), '--bogus');
      expect(code).toBe(2);
      expect(text).toMatch(/--bogus/);
      expect(text).toMatch(/usage: planbrygga/);
      expect(text).not.toMatch(/TypeError|\n\s+at /);
    },
  );

  it('a missing value names the option', async () => {
    const { code, text } = await cli('destinations', 'create', '--org');
    expect(code).toBe(2);
    expect(text).toMatch(/--org/);
  });
});
