import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../../src/service-node-flags.js';

// dist/bench/support → dist/src/cli/main.js: the CLI exactly as `npm start` runs it.
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface RunningServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Runs the compiled CLI once to completion and returns its standard output (a secret, for `clients create`). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`planbrygga ${args[0]} exited ${code}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString().trim();
}

/**
 * Starts `planbrygga serve` as a child process on a free loopback port and waits until
 * /health answers. A separate process, like a real deployment: the server gets its own
 * core instead of sharing the benchmark client's event loop.
 */
export async function startServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  /** The script to run: the CLI unless another server stands in for it. */
  script = CLI,
): Promise<RunningServer> {
  const port = await freePort();
  // The service's own flags, as `npm start` runs it; then e.g.
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": flags NODE_OPTIONS refuses.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const nodeArgs = [...SERVICE_NODE_FLAGS, ...extra];
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (b: Buffer) => stderr.push(b.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${(err as Error).message}\n${stderr.join('')}`);
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no answer on /health within 30 s');
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `planbrygga worker` (relay and queue workers, no HTTP) as a child process, once it has started. */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, CLI, 'worker'], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 30_000;
  while (!output.includes('planbrygga started')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`planbrygga worker did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
