import type { AppDependencies } from '../app.js';
import { serviceContext } from '../app.js';
import { encryptedSecretCodec } from '../crypto/destination-secret-codec.js';
import { createJobHandlers } from './jobs/handlers.js';
import { type OutboxRelay, startOutboxRelay } from './outbox/outbox-relay.js';
import { type ScheduledJobName, scheduleJob } from './queues/queues.js';
import { createWorkers, type Workers } from './queues/workers.js';

/**
 * When the maintenance jobs run, as cron patterns in Stockholm time: the overdue scan at 02:15
 * every night, the retention run at 02:45, both in the quiet hours.
 */
export const SCHEDULES: Readonly<Record<ScheduledJobName, string>> = {
  'overdue.scan': '15 2 * * *',
  'retention.run': '45 2 * * *',
};

export interface Dispatch {
  relay: OutboxRelay;
  workers: Workers;
  /** Stops the relay, then lets in-flight jobs finish within `graceMs` (then aborts them, so they are retried later). */
  close(graceMs: number): Promise<void>;
}

/** The outbox relay and the workers of every queue, as `serve` and `worker` run them. */
export function startDispatch(
  deps: AppDependencies,
  options: { fetch?: typeof globalThis.fetch; schedules?: Partial<Record<ScheduledJobName, string>> } = {},
): Dispatch {
  const { config, logger } = deps;
  const settings = config.dispatch;
  const connection = { redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix };
  const relay = startOutboxRelay({
    db: deps.db,
    // The process's queues (deps.queues), which closeDependencies closes.
    publisher: deps.queues,
    notifications: deps.notifications,
    logger: logger.child({ component: 'outbox-relay' }),
    pollIntervalMs: settings.relayPollIntervalMs,
    // While Redis or PostgreSQL is away a failed try is cheap; a short cap means dispatch
    // resumes within a couple of seconds of its return.
    maxBackoffMs: 2_000,
  });
  const handlers = createJobHandlers({
    ctx: serviceContext(deps),
    secrets: encryptedSecretCodec(deps.cipher),
    fetch: options.fetch ?? globalThis.fetch,
    deliveryTimeoutMs: settings.deliveryTimeoutMs,
    auditRetentionDays: config.auditRetentionDays,
    queues: deps.queues,
  });
  const concurrency = settings.workerConcurrency;
  const workers = createWorkers({
    ...connection,
    handlers,
    logger: logger.child({ component: 'worker' }),
    concurrency: {
      submissions: concurrency,
      signoffs: concurrency,
      notifications: concurrency,
      maintenance: 1,
    },
    backoff: { baseMs: settings.retryBaseMs },
    lockDurationMs: settings.lockDurationMs,
    stalledIntervalMs: settings.lockDurationMs,
  });
  // Every instance upserts the one schedule of each job; while Redis is away the next start does it.
  const schedules = { ...SCHEDULES, ...options.schedules };
  for (const [job, pattern] of Object.entries(schedules) as [ScheduledJobName, string][]) {
    scheduleJob(deps.queues, job, pattern).catch((err: unknown) =>
      logger.warn({ err, job }, 'could not schedule the job; the next start tries again'),
    );
  }

  return {
    relay,
    workers,
    async close(graceMs) {
      await relay.stop();
      await workers.close(graceMs);
    },
  };
}
