import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Database servers a test starts and stops itself, so it never touches the PostgreSQL and
// Redis that every other test shares. PostgreSQL and PgBouncer refuse to run as root: under
// root (CI) they run as the `postgres` OS user, in a folder of theirs.

export const run = promisify(execFile);

const RUN_AS = process.getuid?.() === 0 ? 'postgres' : null;

/** `command args…`, as the `postgres` user when this process is root. */
export function asServiceUser(command: string, args: readonly string[]): [string, string[]] {
  return RUN_AS ? ['runuser', ['-u', RUN_AS, '--', command, ...args]] : [command, [...args]];
}

/** Spawns a long-running server as the service user; its output is kept for failure messages. */
export function spawnAsServiceUser(command: string, args: readonly string[]) {
  const [file, argv] = asServiceUser(command, args);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return { child, output: () => output };
}

/** A temporary folder the service user owns. */
export async function serviceFolder(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `planbrygga-${label}-`));
  if (RUN_AS) {
    const { stdout } = await run('id', ['-u', RUN_AS]);
    const { stdout: gid } = await run('id', ['-g', RUN_AS]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  return dir;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The bin folder of the newest PostgreSQL installed the Debian way, or null. */
export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** The path of `name` on PATH or in the sbin folders, or null. */
export function binary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
}
