import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inject } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
/** Inside the repository, so the transpiled files resolve packages from its node_modules. */
const BUNDLE = join(ROOT, 'node_modules/.cache/planbrygga-dispatch-test');
export const WORKER_MAIN = join(BUNDLE, 'src/cli/main.js');
export const INDEX_KEY = 'test-index-key-of-at-least-32-characters';

/**
 * The worker processes run the application's own code, transpiled (not type-checked:
 * `npm run check` does that) with esbuild in about a second, and only when a source file is
 * newer than the last transpilation.
 */
export async function transpileOnce(): Promise<void> {
  const stamp = join(BUNDLE, '.stamp');
  const built = await stat(stamp).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = (
    await Promise.all(['src', 'adapters', 'migrations'].map((d) => tsFiles(join(ROOT, d))))
  ).flat();
  const newest = Math.max(...(await Promise.all(sources.map(async (f) => (await stat(f)).mtimeMs))));
  if (built > newest) return;
  const { build } = await import('esbuild');
  await rm(BUNDLE, { recursive: true, force: true });
  await build({
    entryPoints: sources,
    outdir: BUNDLE,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  await writeFile(join(BUNDLE, 'package.json'), '{"type":"module"}\n');
  await writeFile(stamp, '');
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return tsFiles(path);
      return Promise.resolve(e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []);
    }),
  );
  return nested.flat();
}

/** A key prefix under the run's, so the global teardown deletes whatever a test leaves. */
export function runPrefix(label: string): string {
  return `${inject('redisKeyPrefix')}dispatch-${label}-${randomBytes(3).toString('hex')}:`;
}

export interface Hit {
  path: string;
  webhookId: string;
  planId: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the receiver does with a request: answer with a status, or hold it open. */
export type Answer = number | 'hold';

/** A loopback receiver on 127.0.0.1:0 that records every request and answers as told per path. */
export async function startReceiver(): Promise<{
  url: (path: string) => string;
  hits: Hit[];
  answer: Map<string, (hit: Hit) => Answer>;
  held: Set<import('node:http').ServerResponse>;
  close(): Promise<void>;
}> {
  const hits: Hit[] = [];
  const answer = new Map<string, (hit: Hit) => Answer>();
  const held = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = {
        path: req.url ?? '/',
        webhookId: String(req.headers['webhook-id']),
        planId: String(req.headers['planbrygga-plan-id']),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      hits.push(hit);
      const decision = answer.get(hit.path)?.(hit) ?? 200;
      if (decision === 'hold') {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(decision).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    answer,
    held,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it logged. */
  output: () => string;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** `planbrygga worker` as a child process with its own environment; resolves once it runs. */
export function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  return spawnPlanbrygga(['worker'], env);
}

/** `planbrygga ARGS…` (`worker`, `serve`) as a child process; resolves once it has started. */
export async function spawnPlanbrygga(
  args: readonly string[],
  env: Record<string, string>,
  { waitForStart = true } = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER_MAIN, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
      LOG_LEVEL: 'info',
      RELAY_POLL_INTERVAL_MS: '50',
      DELIVERY_RETRY_BASE_MS: '100',
      WORKER_LOCK_DURATION_MS: '2000',
      SHUTDOWN_GRACE_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = once(child, 'exit');
  if (waitForStart)
    await waitFor(async () => {
      if (child.exitCode !== null)
        throw new Error(`planbrygga ${args.join(' ')} exited at start:\n${output}`);
      return output.includes('planbrygga started');
    }, 30_000);
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
