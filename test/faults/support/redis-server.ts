import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { binary, freePort } from '../../helpers/service-binaries.js';

export interface RedisServer {
  url: string;
  /** Stops it as a maintenance restart does (SIGTERM: it writes its append-only file and exits). */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
}

/** A redis-server of the test's own on a free port, its data kept across restarts in a temporary folder. */
export async function startRedisServer(): Promise<RedisServer & { destroy(): Promise<void> }> {
  const redisServer = binary('redis-server');
  if (!redisServer) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'planbrygga-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        if ((await probe.ping().catch(() => null)) === 'PONG') return;
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
