import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countValuesByKey, NOT_ENCRYPTED } from '../../../src/crypto/rotation.js';
import { startOutboxRelay } from '../../../src/delivery/outbox/outbox-relay.js';
import { createQueues } from '../../../src/delivery/queues/queues.js';
import { adminOf, createTestApp, type TestApp } from '../../helpers/app.js';
import { dumpRedis } from '../../helpers/redis-dump.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-database.js';
import {
  ASTRID,
  ELIAS,
  type Exchange,
  findSecret,
  runFullFlow,
  secretsOf,
  WEBHOOK_SECRET,
} from './full-flow.js';

/**
 * Issue 6, items 3 and 4: after a full flow, the personnummer (every spelling) and the
 * person's names are nowhere in clear: not in a dump of the database, the logs, Redis, job
 * payloads, metrics, error bodies or Location headers. The flow runs against a database and
 * Redis prefix of this file's own, so everything found there came from this flow.
 */
const SECRETS = [...secretsOf(ASTRID, ELIAS), WEBHOOK_SECRET.slice('whsec_'.length)];
const redisKeyPrefix = `${inject('redisKeyPrefix')}leak:`;

let scratch: ScratchDatabase;
let t: TestApp;
let exchanges: Exchange[];

beforeAll(async () => {
  scratch = await createScratchDatabase('leak');
  t = await createTestApp({
    env: { DATABASE_URL: scratch.url, REDIS_KEY_PREFIX: redisKeyPrefix, LOG_LEVEL: 'trace' },
  });
  const { organisation, authorization } = await adminOf(t.deps);
  ({ exchanges } = await runFullFlow(t.app, authorization, organisation));
  await relayOutbox();
}, 120_000);

afterAll(async () => {
  await t?.close();
  await scratch?.drop();
});

// Whatever the flow queued goes to Redis, as a running relay would move it.
async function relayOutbox(): Promise<void> {
  const queues = createQueues({ redisUrl: inject('redisUrl'), keyPrefix: redisKeyPrefix });
  const relay = startOutboxRelay({
    db: t.deps.db,
    publisher: queues,
    logger: t.deps.logger,
    pollIntervalMs: 60_000,
  });
  try {
    while ((await relay.relayOnce()) > 0) {}
  } finally {
    await relay.stop();
    await queues.close();
  }
}

describe('after a full flow, nothing personal in clear', () => {
  it('ran the flow: plans stored in every format, retries answered from storage', () => {
    const pushes = exchanges.filter(
      (e) => e.request.startsWith('POST') && e.request.includes('plans') && e.status < 300,
    );
    expect(pushes.length).toBeGreaterThanOrEqual(12);
    expect(
      exchanges.filter((e) => e.headers['idempotent-replayed'] === 'true').length,
    ).toBeGreaterThanOrEqual(6);
    expect(
      exchanges.some((e) => e.status >= 500),
      JSON.stringify(exchanges.filter((e) => e.status >= 500)),
    ).toBe(false);
  });

  it('a pg_dump of the database holds no personnummer and no name', (context) => {
    let dump: string;
    try {
      dump = execFileSync('pg_dump', ['--no-owner', '--data-only', scratch.url], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        context.skip('pg_dump is not installed; the dump test needs the PostgreSQL client tools');
      }
      throw err;
    }
    expect(dump).toContain('COPY public.plan_versions');
    expect(dump).toContain('CANON-1'); // the flow's rows are in the dump
    expect(dump.length).toBeGreaterThan(10_000);
    expect(findSecret(dump, SECRETS)).toBeUndefined();
  });

  it('every registered encrypted column holds envelopes only, and the flow filled each of them', async () => {
    const counts = await countValuesByKey(t.deps.db);
    expect(counts.filter((c) => c.keyId === NOT_ENCRYPTED)).toEqual([]);
    const filled = new Set(counts.map((c) => `${c.table}.${c.column}`));
    for (const column of [
      'plan_versions.document',
      'idempotency_keys.response_body',
      'signatures.name',
      'signatures.reason',
      'deviations.text',
      'consent_records.covers',
      'need_evaluations.summary',
      'destinations.secret_sealed',
    ]) {
      expect(filled, column).toContain(column);
    }
  });

  it('the logs hold none', () => {
    const logs = t.logs();
    expect(logs).toContain('request completed');
    const leaking = logs.split('\n').filter((line) => findSecret(line, SECRETS));
    expect(leaking).toEqual([]);
  });

  it('error bodies and Location headers hold none', () => {
    const errors = exchanges.filter((e) => e.status >= 400);
    expect(errors.length).toBeGreaterThanOrEqual(5);
    for (const e of errors) expect(findSecret(e.body, SECRETS), `${e.request} → ${e.status}`).toBeUndefined();
    const locations = exchanges.flatMap((e) => (e.headers.location ? [String(e.headers.location)] : []));
    expect(locations.length).toBeGreaterThanOrEqual(6);
    for (const location of locations) expect(findSecret(location, SECRETS)).toBeUndefined();
  });

  it('every Redis key and value under the prefix, and every job payload, holds none', async () => {
    const dumped = await dumpRedis(inject('redisUrl'), redisKeyPrefix);
    expect(findSecret(dumped, SECRETS)).toBeUndefined();
    const { rows } = await sql<{ payload: unknown }>`select payload from outbox`.execute(t.deps.db);
    expect(findSecret(JSON.stringify(rows), SECRETS)).toBeUndefined();
  });

  it('/metrics holds none, where it exists', async () => {
    const metrics = await t.app.inject({ url: '/metrics' });
    if (metrics.statusCode === 404) return;
    expect(findSecret(metrics.body, SECRETS)).toBeUndefined();
  });
});
