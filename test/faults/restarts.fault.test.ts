import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../src/db/database.js';
import { LISTENER_APPLICATION_NAME } from '../../src/db/notification-listener.js';
import { generateWebhookSecret } from '../../src/delivery/contract/webhook-signature.js';
import { freePort, postgresBinaries } from '../helpers/service-binaries.js';
import {
  spawnPlanbrygga,
  startReceiver,
  transpileOnce,
  WORKER_MAIN,
  type WorkerProcess,
  waitFor,
} from '../integration/delivery/support.js';
import { type PostgresCluster, startPostgresCluster } from './support/postgres-cluster.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';
import { type Answer, classify, Traffic } from './support/traffic.js';

// PostgreSQL and Redis restarted under load: an API process (`serve --no-workers`) and a
// `planbrygga worker` process, each its own process, against a PostgreSQL cluster and a
// redis-server of this file's own (the shared ones of the other tests are never touched),
// while systems push plans, poll their status and submit them. Each fault prints the answers
// by class, the longest answer and the seconds to recovery.

const ORGANISATION = '1880';
/** How long each service stays down: a managed database's restart takes about this long. */
const OUTAGE_MS = 3_000;
/** Recovery must be this quick once the service answers again (issue 20, item 3). */
const RECOVERY_MS = 5_000;
/** No answer may take longer: the connect timeout and the statement timeout with room to spare. */
const LONGEST_ANSWER_MS = 10_000;

let cluster: PostgresCluster;
let redis: RedisServer & { destroy(): Promise<void> };
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let api: WorkerProcess;
let worker: WorkerProcess;
let db: Db;
let baseUrl: string;
let authorization: string;

async function ready(): Promise<number> {
  return (await fetch(`${baseUrl}/ready`).catch(() => null))?.status ?? 0;
}

/** ms from `since` until `check` first holds, polling every 50 ms. */
async function msUntil(since: number, check: () => Promise<boolean>, limitMs = 30_000): Promise<number> {
  await waitFor(check, limitMs);
  return Date.now() - since;
}

async function submissionStatuses(ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('submissions').select('status').where('id', 'in', ids).execute();
  return rows.map((r) => r.status);
}

const delivered = async (ids: readonly string[]) =>
  (await submissionStatuses(ids)).filter((s) => s === 'delivered').length === ids.length;

/** Open LISTEN connections of planbrygga processes (the API's long-pollers', the worker's relay). */
async function listeners(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
    where application_name = ${LISTENER_APPLICATION_NAME}`.execute(db);
  return Number(rows[0]?.n);
}

/** The process's log lines about PostgreSQL's availability. */
function availabilityLines(process: WorkerProcess): string[] {
  return process
    .output()
    .split('\n')
    .filter((line) => /"msg":"PostgreSQL (is unreachable|reachable again)/.test(line));
}

function report(fault: string, answers: readonly Answer[], recovery: Record<string, number>): void {
  const classes = classify(answers);
  const longest = Math.max(0, ...answers.map((a) => a.ms));
  const seconds = Object.entries(recovery)
    .map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  console.info(
    [
      `fault: ${fault}`,
      `  requests: ${Object.entries(classes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      `  longest answer: ${longest} ms`,
      `  seconds to recovery after it answered again: ${seconds}`,
    ].join('\n'),
  );
}

/**
 * Sends every push that got no 2xx again with its Idempotency-Key until it is stored (a
 * client following Retry-After), then once more: the same plan each time.
 */
async function resendUnanswered(traffic: Traffic): Promise<void> {
  for (const push of traffic.unansweredPushes.splice(0)) {
    let id: string | null = null;
    for (let i = 0; i < 20 && !id; i++) {
      id = await traffic.sendPush(push, { keep: false });
      if (!id) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(id, `push ${push.sourcePlanId} stored after the fault`).not.toBeNull();
    expect(await traffic.sendPush(push, { keep: false })).toBe(id);
  }
}

/** Every push answered 2xx or sent again is stored, each plan once with one version. */
async function expectStoredOnce(traffic: Traffic, label: string): Promise<void> {
  const rows = await db
    .selectFrom('plans')
    .select(['id', 'source_plan_id', 'current_version'])
    .where('organisation', '=', ORGANISATION)
    .where('source_plan_id', 'like', `${label}-%`)
    .execute();
  const stored = new Set(rows.map((r) => r.id));
  for (const id of traffic.storedPlans) expect(stored.has(id)).toBe(true);
  expect(new Set(rows.map((r) => r.source_plan_id)).size).toBe(rows.length);
  expect(rows.every((r) => r.current_version === 1)).toBe(true);
  const { rows: versions } = await sql<{ n: string }>`select count(*) as n from plan_versions
    where plan_id in (select id from plans where organisation = ${ORGANISATION} and source_plan_id like ${`${label}-%`})`.execute(
    db,
  );
  expect(Number(versions[0]?.n)).toBe(rows.length);
}

/** Every accepted submission is delivered, each exactly once. */
async function expectDeliveredOnce(traffic: Traffic, path: string): Promise<void> {
  const ids = traffic.submissions.map((s) => s.submissionId);
  await waitFor(() => delivered(ids), 60_000, 'every accepted submission delivered');
  const hits = receiver.hits.filter((h) => h.path === path);
  for (const { planId } of traffic.submissions) {
    expect(
      hits.filter((h) => h.planId === planId),
      `deliveries of plan ${planId}`,
    ).toHaveLength(1);
  }
  const failed = await db.selectFrom('deliveries').select('id').where('status', '=', 'failed').execute();
  expect(failed).toEqual([]);
}

function expectBoundedAnswers(answers: readonly Answer[]): void {
  const classes = classify(answers);
  expect(classes['other 5xx'], 'answers 5xx other than 503').toBe(0);
  expect(classes['no answer'], 'requests without an answer').toBe(0);
  expect(answers.filter((a) => a.status === 503 && a.retryAfter !== '5')).toEqual([]);
  expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(LONGEST_ANSWER_MS);
}

function expectRunning(): void {
  expect(api.child.exitCode, api.output()).toBeNull();
  expect(worker.child.exitCode, worker.output()).toBeNull();
}

describe.skipIf(!postgresBinaries())('faults: PostgreSQL and Redis restarted under load', () => {
  beforeAll(async () => {
    await transpileOnce();
    [cluster, redis, receiver] = await Promise.all([
      startPostgresCluster(),
      startRedisServer(),
      startReceiver(),
    ]);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'faults:',
      RATE_LIMIT_MAX: '0',
      RATE_LIMIT_ANONYMOUS_MAX: '0',
      // The production defaults, so that recovery is measured as it would be in service.
      RELAY_POLL_INTERVAL_MS: '500',
      DELIVERY_RETRY_BASE_MS: '1000',
      WORKER_LOCK_DURATION_MS: '30000',
    };
    api = await spawnPlanbrygga(['serve', '--no-workers'], { ...env, PORT: String(port) });
    worker = await spawnPlanbrygga(['worker'], env);
    const { stdout: key } = await promisify(execFile)(
      process.execPath,
      [WORKER_MAIN, 'clients', 'create', '--name', 'faults', '--org', ORGANISATION, '--scopes', 'admin'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: cluster.url,
          PLANBRYGGA_INDEX_KEY: 'x'.repeat(40),
        },
      },
    );
    authorization = `Bearer ${key.trim()}`;
    const created = await fetch(`${baseUrl}/v1/admin/destinations`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'submission',
        system: 'pulsen-combine',
        url: receiver.url('/submissions'),
        secret: generateWebhookSecret(),
      }),
    });
    expect(created.status, await created.text()).toBe(201);
    db = createDatabase(cluster.url, { maxConnections: 2 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await db?.destroy();
    await receiver?.close();
    await Promise.all([cluster?.destroy(), redis?.destroy()]);
  });

  it('PostgreSQL restarted: 503 with Retry-After while it is away, recovery within 5 s, nothing lost or doubled', async () => {
    const traffic = new Traffic(baseUrl, authorization, ORGANISATION, 'pg');
    // Deliveries in flight when PostgreSQL goes: the receiver holds them until it is down.
    let holding = true;
    receiver.answer.set('/submissions', () => (holding ? 'hold' : 200));
    for (let i = 0; i < 5; i++) await traffic.pushAndSubmit();
    expect(traffic.submissions).toHaveLength(5);
    await waitFor(async () => receiver.held.size === 5, 20_000, 'five deliveries in flight');

    traffic.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The API listens for its long-poller, the worker for its relay.
    const listening = await listeners();
    expect(listening).toBe(2);
    await cluster.stop();
    holding = false;
    for (const res of receiver.held) res.writeHead(200).end();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await cluster.start();
    const back = Date.now();
    const readyMs = await msUntil(back, async () => (await ready()) === 200);
    const requestsMs = await msUntil(back, async () =>
      traffic.answers.some((a) => a.kind === 'push' && a.status === 201 && a.sentAt >= back),
    );
    const beforeOutage = traffic.submissions.slice(0, 5).map((s) => s.submissionId);
    const deliveriesMs = await msUntil(back, () => delivered(beforeOutage));
    const listenMs = await msUntil(back, async () => (await listeners()) === listening);
    // A submission made now is relayed at its commit, through the re-established LISTEN, not at the next poll.
    const submitted = traffic.submissions.length;
    await waitFor(
      async () => traffic.submissions.length > submitted,
      10_000,
      'a submission after the outage',
    );
    const after = traffic.submissions.at(-1)!;
    const relayedMs = await msUntil(after.at, () => delivered([after.submissionId]));
    const longPollMs = await msUntil(back, async () => traffic.changesAnsweredAt.some((at) => at > back));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await traffic.stop();

    report('PostgreSQL stopped for 3 s (pg_ctl stop -m fast, start)', traffic.answers, {
      requests: requestsMs,
      '/ready': readyMs,
      'deliveries in flight recorded': deliveriesMs,
      'LISTEN re-established (API and worker)': listenMs,
      'long-poller answered with a change': longPollMs,
    });
    console.info(`  a submission made after recovery delivered in ${relayedMs} ms`);
    expectRunning();
    expectBoundedAnswers(traffic.answers);
    expect(classify(traffic.answers)['503']).toBeGreaterThan(0);
    expect(Math.max(readyMs, requestsMs, deliveriesMs, listenMs, longPollMs)).toBeLessThan(RECOVERY_MS);
    expect(relayedMs).toBeLessThan(1_500);
    // Logged once per outage by each process, not once per request or job.
    for (const process of [api, worker]) {
      const logged = availabilityLines(process);
      expect(
        logged.map((line) => JSON.parse(line).msg),
        logged.join('\n'),
      ).toEqual([
        'PostgreSQL is unreachable; requests answer 503 and jobs wait until it answers again',
        'PostgreSQL reachable again',
      ]);
    }
    await resendUnanswered(traffic);
    await expectStoredOnce(traffic, 'pg');
    await expectDeliveredOnce(traffic, '/submissions');
  }, 180_000);

  it('Redis restarted: pushes and submissions go on, /ready names Redis, deliveries resume within 5 s', async () => {
    const traffic = new Traffic(baseUrl, authorization, ORGANISATION, 'redis');
    receiver.answer.set('/submissions', () => 200);
    traffic.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.stop();
    const down = Date.now();
    await waitFor(async () => (await ready()) === 503, 5_000, '/ready answers 503 while Redis is away');
    const readyDown = await fetch(`${baseUrl}/ready`);
    expect(await readyDown.json()).toMatchObject({ errors: [{ path: '/redis' }] });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    await redis.start();
    const back = Date.now();
    const duringOutage = traffic.submissions
      .filter((s) => s.at >= down && s.at < back)
      .map((s) => s.submissionId);
    const readyMs = await msUntil(back, async () => (await ready()) === 200);
    const deliveriesMs = await msUntil(back, () => delivered(duringOutage));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await traffic.stop();

    report('Redis stopped for 3 s (SIGTERM, start)', traffic.answers, {
      '/ready': readyMs,
      'deliveries of submissions made meanwhile': deliveriesMs,
    });
    expectRunning();
    expectBoundedAnswers(traffic.answers);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(Math.max(readyMs, deliveriesMs)).toBeLessThan(RECOVERY_MS);
    await resendUnanswered(traffic);
    await expectStoredOnce(traffic, 'redis');
    await expectDeliveredOnce(traffic, '/submissions');
  }, 180_000);

  it('a process started while PostgreSQL is away waits for it, then migrates and serves', async () => {
    await cluster.stop();
    const port = await freePort();
    const late = await spawnPlanbrygga(
      ['serve', '--no-workers'],
      {
        DATABASE_URL: cluster.url,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: 'faults:',
        PORT: String(port),
      },
      { waitForStart: false },
    );
    try {
      const waitingLines = () =>
        late
          .output()
          .split('\n')
          .filter((line) => line.includes('waiting for PostgreSQL'));
      await waitFor(async () => waitingLines().length > 0, 30_000, 'the process says it waits');
      // It keeps trying, and stays up, for as long as the outage lasts.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      expect(late.child.exitCode, late.output()).toBeNull();
      await cluster.start();
      const back = Date.now();
      const readyMs = await msUntil(
        back,
        async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.status === 200,
      );
      console.info(
        `fault: a process started while PostgreSQL was down served ${readyMs} ms after it answered`,
      );
      expect(readyMs).toBeLessThan(RECOVERY_MS);
      const waiting = late
        .output()
        .split('\n')
        .filter((line) => line.includes('waiting for PostgreSQL'));
      expect(waiting, late.output()).toHaveLength(1);
    } finally {
      await late.stop();
    }
  }, 60_000);
});
