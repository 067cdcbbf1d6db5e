import { type JobsOptions, Queue, type RedisOptions } from 'bullmq';
import { BACKOFF_TYPE } from '../contract/backoff.js';
import { type JobName, QUEUE_NAMES, type QueueName, queueOf } from './catalogue.js';

/** Where the queues live: the Redis URL and the key prefix of this deployment or test run. */
export interface QueueConnection {
  redisUrl: string;
  /** Config's REDIS_KEY_PREFIX, e.g. `planbrygga:`; every BullMQ key starts with it. */
  keyPrefix: string;
}

/** ioredis options from a `redis://` or `rediss://` URL, honouring a `/N` database index. */
export function redisOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new Error('REDIS_URL: the database index must be a whole number');
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * ioredis's reconnect delay for every BullMQ connection. BullMQ's own grows to 20 s, so after
 * an outage of half a minute dispatch would sit idle for up to 20 s more; trying every 2 s at
 * most costs nothing while Redis is away and resumes work within seconds of its return.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(250 * attempt, 2_000);
}

/** BullMQ joins prefix and queue name with ':' itself, so a trailing one would double. */
export function bullPrefix(keyPrefix: string): string {
  return keyPrefix.replace(/:+$/, '');
}

/**
 * How long finished jobs stay in Redis. Completed: a day, so a re-relayed duplicate id is still
 * dropped. Failed: 30 days, for an admin to retry (the delivery stays failed in PostgreSQL
 * after that; a retry then relays the job again from its outbox row while that is kept, 7 days,
 * else answers 409). BullMQ applies these ages only when another job of the queue finishes, so
 * the daily retention run also removes what is older (removeFinishedJobs): nothing finished
 * stays more than a day beyond its age.
 */
export const FINISHED_JOB_AGES = {
  completedSeconds: 24 * 60 * 60,
  failedSeconds: 30 * 24 * 60 * 60,
} as const;

/**
 * Every job: 20 attempts spread by the worker's jittered strategy (with its defaults, 5 s
 * doubling to at most an hour: up to about ten hours in all, half that on average), finished
 * jobs removed by age (FINISHED_JOB_AGES).
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: FINISHED_JOB_AGES.completedSeconds, count: 50_000 },
  removeOnFail: { age: FINISHED_JOB_AGES.failedSeconds },
} as const satisfies JobsOptions;

/** A job on its way from the outbox to BullMQ. */
export interface RelayedJob {
  name: JobName;
  data: unknown;
  /** The outbox row's webhook id, so adding the same row twice is one job. */
  jobId: string;
}

/** Adds jobs to their queues. */
export interface JobPublisher {
  publish(jobs: readonly RelayedJob[]): Promise<void>;
}

export interface Queues extends JobPublisher {
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export interface QueuesOptions extends QueueConnection {
  /** Producers fail at once while Redis is away (the outbox keeps the work), instead of buffering. */
  failFast?: boolean;
}

/** One BullMQ Queue per queue name, for producers (the relay) and the admin dashboard. */
export function createQueues({ redisUrl, keyPrefix, failFast = true }: QueuesOptions): Queues {
  const connection: RedisOptions = {
    ...redisOptions(redisUrl),
    retryStrategy: reconnectDelay,
    ...(failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : {}),
  };
  const queues = new Map<QueueName, Queue>();
  let closing = false;
  const open = (name: QueueName): void => {
    const queue = new Queue(name, {
      connection,
      prefix: bullPrefix(keyPrefix),
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    // Connection errors surface through publish; an unhandled 'error' event would crash the process.
    queue.on('error', () => undefined);
    // BullMQ sets a connection up once: when Redis goes away in the middle of that handshake
    // (fail-fast commands give up), the queue fails every command for good. It is replaced.
    queue.waitUntilReady().catch(() => {
      if (closing || queues.get(name) !== queue) return;
      open(name);
      void queue.close().catch(() => undefined);
    });
    queues.set(name, queue);
  };
  for (const name of QUEUE_NAMES) open(name);
  const queue = (name: QueueName) => queues.get(name)!;

  return {
    queue,
    async publish(jobs) {
      const byQueue = new Map<QueueName, RelayedJob[]>();
      for (const job of jobs) {
        const name = queueOf(job.name);
        byQueue.set(name, [...(byQueue.get(name) ?? []), job]);
      }
      await Promise.all(
        [...byQueue].map(([name, group]) =>
          queue(name).addBulk(
            group.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.jobId } })),
          ),
        ),
      );
    },
    async close() {
      closing = true;
      await Promise.all([...queues.values()].map(closeQueue));
    },
  };
}

/** How long closing waits for a queue's Redis handshake to finish. */
const HANDSHAKE_WAIT_MS = 2_000;

/**
 * Closes a queue once its connection has settled. BullMQ closing a connection mid-handshake
 * ends the stream under ioredis's ready check; the failed check rejects BullMQ's
 * initialisation after close has removed its error listeners, and that rejection is
 * unhandled. Redis answers a handshake in milliseconds; the bound keeps closing during an
 * outage from waiting for a connection that will not come.
 */
async function closeQueue(queue: Queue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    queue.waitUntilReady().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, HANDSHAKE_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  await queue.close();
}

/** The jobs that run on a schedule rather than from the outbox. */
export type ScheduledJobName = 'overdue.scan' | 'retention.run';

/**
 * A maintenance job on a cron pattern in Stockholm time, as a BullMQ job scheduler named after
 * the job. It needs no outbox: upserting is idempotent (every instance may call it at start,
 * Redis keeps one schedule, and each time it fires there is one job, which one worker takes),
 * and the job itself is safe to repeat.
 */
export async function scheduleJob(queues: Queues, name: ScheduledJobName, pattern: string): Promise<void> {
  await queues
    .queue(queueOf(name))
    .upsertJobScheduler(name, { pattern, tz: 'Europe/Stockholm' }, { name, data: {} });
}

/** Jobs removed per call to BullMQ's clean. */
const CLEAN_BATCH = 1_000;

/**
 * Removes completed and failed jobs older than their ages from every queue, whether or not
 * another job has finished since (which is when BullMQ itself looks). Returns how many went.
 */
export async function removeFinishedJobs(
  queues: Queues,
  ages: { completedSeconds: number; failedSeconds: number } = FINISHED_JOB_AGES,
): Promise<number> {
  let removed = 0;
  for (const name of QUEUE_NAMES) {
    for (const [state, seconds] of [
      ['completed', ages.completedSeconds],
      ['failed', ages.failedSeconds],
    ] as const) {
      for (;;) {
        const ids = await queues.queue(name).clean(seconds * 1000, CLEAN_BATCH, state);
        removed += ids.length;
        if (ids.length < CLEAN_BATCH) break;
      }
    }
  }
  return removed;
}
