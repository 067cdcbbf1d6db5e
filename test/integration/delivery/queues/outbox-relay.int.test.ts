import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createNotificationListener,
  LISTENER_APPLICATION_NAME,
  type NotificationListener,
} from '../../../../src/db/notification-listener.js';
import type { Database } from '../../../../src/db/schema.js';
import { enqueue } from '../../../../src/delivery/outbox/outbox.js';
import {
  jobTables,
  outboxBacklog,
  purgeRelayedRows,
} from '../../../../src/delivery/outbox/outbox.repository.js';
import {
  type OutboxRelay,
  type OutboxRelayOptions,
  startOutboxRelay,
} from '../../../../src/delivery/outbox/outbox-relay.js';
import type { Job } from '../../../../src/delivery/queues/catalogue.js';
import {
  createQueues,
  type JobPublisher,
  type Queues,
  type RelayedJob,
  scheduleJob,
} from '../../../../src/delivery/queues/queues.js';
import { isolatedDatabase } from '../../../helpers/scratch-database.js';
import {
  closedRedisUrl,
  isolatedRedisPrefix,
  REDIS_URL,
  redisProxy,
  silentLogger,
  waitFor,
} from './support.js';

let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let redis: ReturnType<typeof isolatedRedisPrefix>;
let queues: Queues;
const started: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  database = await isolatedDatabase('jobs');
  redis = isolatedRedisPrefix();
  queues = createQueues({ redisUrl: REDIS_URL, keyPrefix: redis.keyPrefix });
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
  await database.db.deleteFrom('outbox').execute();
  await Promise.all(
    ['submissions', 'signoffs', 'notifications', 'maintenance'].map((q) =>
      queues.queue(q as never).obliterate({ force: true }),
    ),
  );
});

afterAll(async () => {
  await queues?.close();
  await redis?.clean();
  await database?.drop();
});

function signoffJob(): Job {
  return {
    name: 'signoff.request',
    data: {
      planId: randomUUID(),
      version: 1,
      destinationId: randomUUID(),
      role: 'unit_manager',
      requestId: 'req-1',
    },
  };
}

async function enqueueMany(count: number): Promise<string[]> {
  return database.db.transaction().execute((trx) => enqueue(trx, Array.from({ length: count }, signoffJob)));
}

function relay(publisher: JobPublisher, overrides: Partial<OutboxRelayOptions<Database>> = {}): OutboxRelay {
  const r = startOutboxRelay({
    db: database.db,
    publisher,
    logger: silentLogger,
    pollIntervalMs: 20,
    ...overrides,
  });
  started.push(r);
  return r;
}

async function unrelayedCount(): Promise<number> {
  const rows = await database.db.selectFrom('outbox').select('id').where('relayed_at', 'is', null).execute();
  return rows.length;
}

/** Counts every job a relay publishes, and slows publishing so concurrent relays overlap. */
function countingPublisher(target: JobPublisher, published: RelayedJob[], delayMs = 0): JobPublisher {
  return {
    async publish(jobs) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await target.publish(jobs);
      published.push(...jobs);
    },
  };
}

describe('enqueue', () => {
  it('writes nothing when the caller’s transaction rolls back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueue(trx, signoffJob());
        throw new Error('the push failed after the outbox write');
      }),
    ).rejects.toThrow('the push failed');
    expect(await unrelayedCount()).toBe(0);
  });

  it('refuses a payload the catalogue does not accept, naming the field', async () => {
    const bad = {
      name: 'planner.notify',
      data: { planId: '191212121212', version: 1, destinationId: randomUUID() },
    };
    const attempt = database.db.transaction().execute((trx) => enqueue(trx, bad as Job));
    await expect(attempt).rejects.toThrow('invalid payload for planner.notify: planId');
    await expect(attempt).rejects.not.toThrow('191212121212');
  });
});

describe('outbox relay', () => {
  it('moves rows to their queues under their webhook ids and marks them relayed', async () => {
    const [webhookId] = await enqueueMany(1);
    expect(webhookId).toMatch(/^msg_[0-9a-f]{32}$/);
    relay(queues);
    await waitFor(async () => (await unrelayedCount()) === 0);
    const job = await queues.queue('signoffs').getJob(webhookId!);
    expect(job?.name).toBe('signoff.request');
    expect(job?.data).toMatchObject({ role: 'unit_manager', requestId: 'req-1' });
  });

  it('relays every row exactly once with two relays running at the same time', async () => {
    const ids = await enqueueMany(400);
    const byFirst: RelayedJob[] = [];
    const bySecond: RelayedJob[] = [];
    relay(countingPublisher(queues, byFirst, 15), { batchSize: 20 });
    relay(countingPublisher(queues, bySecond, 15), { batchSize: 20 });
    await waitFor(async () => (await unrelayedCount()) === 0, 20_000);

    const all = [...byFirst, ...bySecond].map((job) => job.jobId);
    expect(byFirst.length).toBeGreaterThan(0);
    expect(bySecond.length).toBeGreaterThan(0);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...ids].sort());
    expect(await queues.queue('signoffs').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(400);
  });

  it('keeps rows while Redis is unreachable and relays them once it is back', async () => {
    const down = createQueues({ redisUrl: await closedRedisUrl(), keyPrefix: redis.keyPrefix });
    try {
      await enqueueMany(50);
      const attempts: number[] = [];
      const failing: JobPublisher = {
        publish: (jobs) => {
          attempts.push(jobs.length);
          return down.publish(jobs);
        },
      };
      const stuck = relay(failing, { publishTimeoutMs: 300, maxBackoffMs: 200 });
      await waitFor(async () => attempts.length >= 3);
      expect(await unrelayedCount()).toBe(50);
      await stuck.stop();
    } finally {
      await down.close();
    }

    relay(queues);
    await waitFor(async () => (await unrelayedCount()) === 0);
    expect(await queues.queue('signoffs').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(50);
  });

  it('keeps working through Redis stopping and returning under a running relay', async () => {
    const proxy = await redisProxy();
    const viaProxy = createQueues({ redisUrl: proxy.url, keyPrefix: redis.keyPrefix });
    try {
      const r = relay(viaProxy, { publishTimeoutMs: 300, maxBackoffMs: 200 });
      await enqueueMany(10);
      r.wake();
      await waitFor(async () => (await unrelayedCount()) === 0);

      await proxy.down();
      await enqueueMany(50);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await unrelayedCount()).toBe(50);

      await proxy.up();
      await waitFor(async () => (await unrelayedCount()) === 0, 15_000);
      expect(await queues.queue('signoffs').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(60);
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('starts while Redis is away and relays once it appears', async () => {
    const proxy = await redisProxy();
    await proxy.down();
    const viaProxy = createQueues({ redisUrl: proxy.url, keyPrefix: redis.keyPrefix });
    try {
      await enqueueMany(20);
      relay(viaProxy, { publishTimeoutMs: 300, maxBackoffMs: 200 });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await unrelayedCount()).toBe(20);

      await proxy.up();
      await waitFor(async () => (await unrelayedCount()) === 0, 15_000);
      expect(await queues.queue('signoffs').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(20);
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('recovers when Redis goes away in the middle of a queue connection’s first handshake', async () => {
    const proxy = await redisProxy();
    const cut = proxy.cutDuringHandshake();
    const viaProxy = createQueues({ redisUrl: proxy.url, keyPrefix: redis.keyPrefix });
    try {
      await cut;
      // Away long enough for the handshake's pending INFO to give up (maxRetriesPerRequest 1).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await proxy.up();
      const oneForEachQueue: RelayedJob[] = [
        'submission.deliver',
        'signoff.request',
        'planner.notify',
        'overdue.scan',
      ].map((name) => ({
        name: name as RelayedJob['name'],
        data: {},
        jobId: `handshake-${name.replace('.', '-')}`,
      }));
      await waitFor(async () => {
        try {
          await viaProxy.publish(oneForEachQueue);
          return true;
        } catch {
          return false;
        }
      }, 15_000);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('adds no second job when a relay dies between adding and committing', async () => {
    await enqueueMany(30);
    const crashing: JobPublisher = {
      async publish(jobs) {
        await queues.publish(jobs);
        throw new Error('process died before the commit');
      },
    };
    const first = relay(crashing);
    await waitFor(async () => (await queues.queue('signoffs').getJobCountByTypes('waiting')) === 30);
    await first.stop();
    expect(await unrelayedCount()).toBe(30);

    relay(queues);
    await waitFor(async () => (await unrelayedCount()) === 0);
    expect(await queues.queue('signoffs').getJobCountByTypes('waiting', 'delayed', 'active')).toBe(30);
  });

  it('holds a row until it is due', async () => {
    const due = new Date(Date.now() + 60 * 60 * 1000);
    await database.db.transaction().execute((trx) => enqueue(trx, signoffJob(), { availableAt: due }));
    const r = relay(queues);
    expect(await r.relayOnce()).toBe(0);
    expect(await unrelayedCount()).toBe(1);
  });

  it('leaves rows of kinds it does not know for a process that does', async () => {
    await database.db.insertInto('outbox').values({ kind: 'future.job', payload: '{}' }).execute();
    const r = relay(queues);
    expect(await r.relayOnce()).toBe(0);
    expect(await unrelayedCount()).toBe(1);
  });
});

describe('outbox backlog', () => {
  it('counts due rows still to be relayed', async () => {
    expect(await outboxBacklog(jobTables(database.db))).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    await enqueueMany(3);
    await database.db
      .transaction()
      .execute((trx) => enqueue(trx, signoffJob(), { availableAt: new Date(Date.now() + 60_000) }));
    const backlog = await outboxBacklog(jobTables(database.db));
    expect(backlog.pending).toBe(3);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(backlog.oldestAgeSeconds).toBeLessThan(30);
  });
});

describe('woken at commit (LISTEN/NOTIFY)', () => {
  const listeners: NotificationListener[] = [];
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  });
  function listener(minBackoffMs = 100): NotificationListener {
    const l = createNotificationListener({
      connectionString: database.url,
      logger: silentLogger,
      minBackoffMs,
    });
    listeners.push(l);
    return l;
  }
  /** Ends the listener's PostgreSQL session from the server side, as a restart or failover does. */
  async function terminateListener(): Promise<void> {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`.execute(
      database.db,
    );
  }

  it('stops at once when asked while a batch is in hand, not after its next poll', async () => {
    await enqueueMany(1);
    let publishing: () => void = () => {};
    const inHand = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    const slow: JobPublisher = {
      async publish(jobs) {
        publishing();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await queues.publish(jobs);
      },
    };
    const r = startOutboxRelay({
      db: database.db,
      publisher: slow,
      logger: silentLogger,
      pollIntervalMs: 60_000,
    });
    await inHand;
    const asked = Date.now();
    await r.stop();
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(await unrelayedCount()).toBe(0);
  });

  it('publishes rows at their commit, not at the next poll', async () => {
    const notifications = listener();
    relay(queues, { notifications, pollIntervalMs: 60_000 });
    await waitFor(async () => notifications.connected);
    // The relay's first look, made at start, has found nothing; only a notification wakes it now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [webhookId] = await enqueueMany(1);
    const committed = Date.now();
    await waitFor(async () => (await unrelayedCount()) === 0, 5_000);
    expect(await queues.queue('signoffs').getJob(webhookId!)).toBeDefined();
    console.info(`outbox row relayed ${Date.now() - committed} ms after its commit`);
  });

  it('re-establishes a terminated LISTEN connection and catches up on what it missed meanwhile', async () => {
    const notifications = listener(1_500);
    let connections = 0;
    notifications.onConnected(() => {
      connections += 1;
    });
    relay(queues, { notifications, pollIntervalMs: 60_000 });
    await waitFor(async () => notifications.connected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await terminateListener();
    await waitFor(async () => !notifications.connected, 5_000);
    // Committed while nobody listens: the notification is lost; the reconnection must find them.
    await enqueueMany(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await unrelayedCount()).toBe(3);
    await waitFor(async () => (await unrelayedCount()) === 0, 5_000);
    expect(connections).toBe(2);
    // And it hears new commits again.
    await enqueueMany(1);
    await waitFor(async () => (await unrelayedCount()) === 0, 5_000);
  });

  it('hands each notification to every subscriber of its channel, and to none after it unsubscribes', async () => {
    const notifications = listener();
    const heard: string[] = [];
    const stop = notifications.listen('planbrygga_outbox', () => heard.push('a'));
    notifications.listen('planbrygga_outbox', () => heard.push('b'));
    await waitFor(async () => notifications.connected);
    await enqueueMany(2);
    await waitFor(async () => heard.length === 2);
    expect(heard.sort()).toEqual(['a', 'b']);
    stop();
    await enqueueMany(1);
    await waitFor(async () => heard.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.filter((h) => h === 'a')).toHaveLength(1);
  });
});

describe('purgeRelayedRows', () => {
  it('deletes only rows relayed before the cut-off', async () => {
    const [old, recent] = await enqueueMany(3);
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await database.db
      .updateTable('outbox')
      .set({ relayed_at: new Date(Date.now() - 2 * 60 * 60 * 1000) })
      .where('webhook_id', '=', old!)
      .execute();
    await database.db
      .updateTable('outbox')
      .set({ relayed_at: new Date() })
      .where('webhook_id', '=', recent!)
      .execute();
    expect(await purgeRelayedRows(jobTables(database.db), hourAgo)).toBe(1);
    const left = await database.db.selectFrom('outbox').select('webhook_id').orderBy('id').execute();
    expect(left.map((row) => row.webhook_id)).not.toContain(old);
    expect(left).toHaveLength(2);
  });
});

describe('scheduleJob', () => {
  it('keeps one schedule however many instances register it', async () => {
    await scheduleJob(queues, 'overdue.scan', '0 6 * * *');
    await scheduleJob(queues, 'overdue.scan', '0 6 * * *');
    const maintenance = queues.queue('maintenance');
    const schedulers = await maintenance.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: 'overdue.scan',
      pattern: '0 6 * * *',
      tz: 'Europe/Stockholm',
    });
    const [next] = await maintenance.getDelayed();
    expect(next?.name).toBe('overdue.scan');
    await maintenance.removeJobScheduler('overdue.scan');
  });
});
