import { type Job as BullJob, DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { isDatabaseUnavailable } from '../../db/availability.js';
import type { Logger } from '../../logger.js';
import { type BackoffStrategyOptions, createBackoffStrategy } from '../contract/backoff.js';
import { type JobHandlers, parseJob, QUEUE_NAMES, type QueueName, queueOf, runJob } from './catalogue.js';
import {
  bullPrefix,
  DEFAULT_JOB_OPTIONS,
  type QueueConnection,
  reconnectDelay,
  redisOptions,
} from './queues.js';

export interface WorkersOptions extends QueueConnection {
  handlers: JobHandlers;
  logger: Logger;
  /** Jobs processed at once per queue; deliveries wait on receivers, not CPU. */
  concurrency?: Partial<Record<QueueName, number>>;
  backoff?: Partial<BackoffStrategyOptions>;
  /** Queues this process works on; all by default. */
  queues?: readonly QueueName[];
  /**
   * How long a job stays locked without its worker renewing the lock, and how often workers
   * look for jobs whose worker died (BullMQ's defaults: 30 s each). Together they bound how
   * soon a job of a killed worker runs again.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface Workers {
  workers: readonly Worker[];
  /**
   * Stops taking jobs and waits for those in hand. After `graceMs` the signal given to
   * handlers aborts, so a delivery stuck on a slow receiver gives up and is retried later.
   */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_CONCURRENCY: Record<QueueName, number> = {
  submissions: 10,
  signoffs: 10,
  notifications: 10,
  maintenance: 1,
};

const DEFAULT_BACKOFF: BackoffStrategyOptions = {
  baseMs: 5_000,
  maxMs: 60 * 60 * 1000,
  maxRetryAfterMs: 60 * 60 * 1000,
  random: Math.random,
};

/** One BullMQ Worker per queue, all dispatching through the one handler map. */
export function createWorkers(options: WorkersOptions): Workers {
  const shutdown = new AbortController();
  const settings = { backoffStrategy: createBackoffStrategy({ ...DEFAULT_BACKOFF, ...options.backoff }) };
  const workers = (options.queues ?? QUEUE_NAMES).map((queueName) => {
    const worker = new Worker(
      queueName,
      (job, token) => processJob(queueName, job, token, options, shutdown.signal),
      {
        connection: { ...redisOptions(options.redisUrl), retryStrategy: reconnectDelay },
        prefix: bullPrefix(options.keyPrefix),
        concurrency: options.concurrency?.[queueName] ?? DEFAULT_CONCURRENCY[queueName],
        settings,
        // A worker killed mid-job (SIGKILL, OOM) leaves its job stalled; another worker takes it
        // over. Only a job that stalls again and again is failed, visibly.
        maxStalledCount: 3,
        ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
        ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
      },
    );
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      options.logger[final ? 'error' : 'warn'](
        {
          jobId: job.id,
          job: job.name,
          attemptsMade: job.attemptsMade,
          requestId: requestIdOf(job),
          reason: error.message,
        },
        final ? 'job failed' : 'job attempt failed; will retry',
      );
    });
    worker.on('error', (error) =>
      options.logger.error({ err: error, queue: queueName }, 'queue worker error'),
    );
    return worker;
  });

  return {
    workers,
    async close(graceMs = 25_000) {
      const timer = setTimeout(() => shutdown.abort(), graceMs);
      try {
        await Promise.all(workers.map((worker) => worker.close()));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * How long a job that found PostgreSQL away waits before it runs again: 1 to 3 s, spread so the
 * jobs of one outage do not all return at once, and short so work resumes within seconds of
 * the database's return.
 */
export function databaseRetryDelay(random: () => number): number {
  return 1_000 + Math.floor(random() * 2_000);
}

async function processJob(
  queueName: QueueName,
  job: BullJob,
  token: string | undefined,
  { handlers, logger }: WorkersOptions,
  signal: AbortSignal,
): Promise<void> {
  const parsed = parseJob(job.name, job.data);
  if (queueOf(parsed.name) !== queueName) {
    throw new UnrecoverableError(`job ${parsed.name} does not belong on queue ${queueName}`);
  }
  const started = Date.now();
  try {
    await runJob(handlers, parsed, {
      jobId: job.id ?? '',
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts,
      signal,
      logger: logger.child({ jobId: job.id, job: job.name, requestId: requestIdOf(job) }),
    });
  } catch (error) {
    if (!isDatabaseUnavailable(error) || token === undefined) throw error;
    // PostgreSQL is away (its outage is logged once, by the pool): the job runs again in a few
    // seconds without spending an attempt, so however long the outage, it is never failed for it.
    const delayMs = databaseRetryDelay(Math.random);
    logger.debug({ jobId: job.id, job: job.name, delayMs }, 'PostgreSQL is away; the job waits');
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
  logger.debug({ jobId: job.id, job: job.name, ms: Date.now() - started }, 'job done');
}

function requestIdOf(job: BullJob): string | undefined {
  const data: unknown = job.data;
  if (typeof data !== 'object' || data === null || !('requestId' in data)) return undefined;
  return typeof data.requestId === 'string' ? data.requestId.slice(0, 128) : undefined;
}
