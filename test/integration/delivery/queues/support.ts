import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { redisOptions } from '../../../../src/delivery/queues/queues.js';

// The run's Redis from the global setup (test/helpers/global-setup.ts). Each file here takes a
// database (test/helpers/scratch-database.ts) and key prefix of its own on top, because these
// tests count every outbox row and every queued job, which other files must not disturb.
export const REDIS_URL = inject('redisUrl');
export const silentLogger = pino({ level: 'silent' });

/** A Redis key prefix of its own; `clean` deletes its keys by prefix (never FLUSHDB). */
export function isolatedRedisPrefix(): { keyPrefix: string; clean(): Promise<void> } {
  // Under the run's prefix, so the global teardown removes anything a failed test leaves behind.
  const keyPrefix = `${inject('redisKeyPrefix')}jobs-${randomBytes(4).toString('hex')}:`;
  return {
    keyPrefix,
    async clean() {
      const redis = new Redis(redisOptions(REDIS_URL));
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(
            cursor,
            'MATCH',
            `${keyPrefix.replace(/:+$/, '')}:*`,
            'COUNT',
            500,
          );
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** A redis:// URL on which nothing listens. */
export async function closedRedisUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `redis://127.0.0.1:${port}`;
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A TCP proxy in front of the real Redis that can be taken down and brought back on the
 * same port: Redis "stopping" and "returning" under a running process, without touching the
 * Redis that other tests share.
 */
export async function redisProxy(): Promise<{
  url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  /**
   * Arms a cut: the proxy goes down when a connection sends its second INFO (ioredis's ready
   * check is the first, BullMQ's version check the second), so that handshake never finishes.
   * Resolves once the proxy is down.
   */
  cutDuringHandshake(): Promise<void>;
  close(): Promise<void>;
}> {
  const { createConnection, createServer } = await import('node:net');
  const target = new URL(REDIS_URL);
  const sockets = new Set<import('node:net').Socket>();
  let cut: (() => void) | undefined;
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    let infos = 0;
    client.on('data', (chunk: Buffer) => {
      if (cut) {
        infos += chunk.toString('latin1').toLowerCase().split('$4\r\ninfo\r\n').length - 1;
        if (infos >= 2) {
          const done = cut;
          cut = undefined;
          void down().then(done);
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const down = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    down,
    up: () => listen(port),
    cutDuringHandshake: () =>
      new Promise<void>((resolve) => {
        cut = resolve;
      }),
    close: async () => {
      if (server.listening) await down();
    },
  };
}
