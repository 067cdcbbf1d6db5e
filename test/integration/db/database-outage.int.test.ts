import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/db/availability.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';

// PostgreSQL going away under a running app, without touching the PostgreSQL other tests
// share: an address nothing answers on, a server that accepts and never speaks, and the
// app's own connections terminated by the server (what a restart does to them).

const UNREACHABLE = 'The database is unavailable; try again shortly';

/** A TCP server that accepts connections and never answers: a database out of reach. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A postgres:// URL on which nothing listens. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** Ends every session of `applicationName`, as PostgreSQL does to all sessions when it restarts. */
async function terminateSessions(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

function outageLines(t: TestApp): { lost: number; back: number; errors: number } {
  const lines = t.logLines();
  return {
    lost: lines.filter((l) => l.msg?.startsWith('PostgreSQL is unreachable')).length,
    back: lines.filter((l) => l.msg === 'PostgreSQL reachable again').length,
    errors: lines.filter((l) => (l.level as number) >= 50).length,
  };
}

describe('PostgreSQL out of reach', () => {
  it('answers 503 problem+json with Retry-After at once, /ready names PostgreSQL, /health stays 200, and logs the outage once', async () => {
    const t = await createTestApp({ env: { DATABASE_URL: await refusingUrl() } });
    try {
      const authorization = `Bearer pbk_${randomBytes(32).toString('base64url')}`;
      const started = Date.now();
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, () =>
          t.app.inject({ url: `/v1/plans/${randomUUID()}/status`, headers: { authorization } }),
        ),
        t.app.inject({ method: 'POST', url: '/v1/plans', headers: { authorization }, payload: {} }),
      ]);
      expect(Date.now() - started).toBeLessThan(3_000);
      for (const res of answers) {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toMatchObject({ status: 503, detail: UNREACHABLE });
      }
      const ready = await t.app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['retry-after']).toBe('5');
      expect(ready.json()).toMatchObject({
        detail: 'Not reachable: PostgreSQL',
        errors: [{ path: '/postgres', message: 'PostgreSQL is not reachable' }],
      });
      expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
      expect(outageLines(t)).toEqual({ lost: 1, back: 0, errors: 0 });
    } finally {
      await t.close();
    }
  });

  it('a server that never answers: 503 after the connect timeout, not a hang', async () => {
    const silent = await silentServer();
    const t = await createTestApp({ env: { DATABASE_URL: silent.url, DATABASE_CONNECT_TIMEOUT_MS: '500' } });
    try {
      const started = Date.now();
      const res = await t.app.inject({
        url: `/v1/plans/${randomUUID()}/status`,
        headers: { authorization: `Bearer pbk_${randomBytes(32).toString('base64url')}` },
      });
      const took = Date.now() - started;
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(2_500);
    } finally {
      await t.close();
      await silent.close();
    }
  });
});

describe('PostgreSQL ends the app’s sessions (a restart)', () => {
  const applicationName = `outage-${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let authorization: string;
  beforeAll(async () => {
    const url = new URL(inject('databaseUrl'));
    url.searchParams.set('application_name', applicationName);
    t = await createTestApp({
      env: { DATABASE_URL: url.toString(), DATABASE_STATEMENT_TIMEOUT_MS: '400', API_KEY_CACHE_SECONDS: '0' },
    });
    ({ authorization } = await adminOf(t.deps));
  });
  afterAll(async () => {
    await t.close();
  });

  const status = async () =>
    (await t.app.inject({ url: `/v1/plans/${randomUUID()}/status`, headers: { authorization } })).statusCode;

  it('idle connections ended by the server: the process carries on and the next requests succeed', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, status));
    expect(before).toEqual([404, 404, 404, 404, 404]);
    expect(await terminateSessions(applicationName)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await Promise.all(Array.from({ length: 5 }, status));
    expect(after).toEqual([404, 404, 404, 404, 404]);
    expect(outageLines(t)).toMatchObject({ lost: 1, back: 1, errors: 0 });
  });

  it('a connection ended inside a transaction: the transaction fails as unavailable, nothing is uncaught, the pool goes on', async () => {
    const failed = await t.deps.db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await terminateSessions(applicationName);
        // Held between statements: the broken connection has no query to fail, only its 'error' event.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`select 1`.execute(trx);
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isDatabaseUnavailable(failed)).toBe(true);
    expect(await status()).toBe(404);
  });

  it('a statement longer than DATABASE_STATEMENT_TIMEOUT_MS is cut off and counts as unavailable', async () => {
    const started = Date.now();
    const failed = await sql`select pg_sleep(3)`.execute(t.deps.db).then(
      () => null,
      (error: unknown) => error,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failed).toMatchObject({ code: '57014' });
    expect(isDatabaseUnavailable(failed)).toBe(true);
    expect(await status()).toBe(404);
  });
});
