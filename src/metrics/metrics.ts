import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import { failureClass } from '../delivery/contract/failure-class.js';
import { type JobsExecutor, outboxBacklog } from '../delivery/outbox/outbox.repository.js';
import { isJobName, QUEUE_NAMES, type QueueName, queueOf } from '../delivery/queues/catalogue.js';
import type { Queues } from '../delivery/queues/queues.js';
import type { Logger } from '../logger.js';
import { deliveryLatencies, tallyDeliveries } from './dispatch-stats.repository.js';
import { type RetentionSources, registerRetentionMetrics } from './retention-metrics.js';
import { type Guard, sharedPerScrape } from './scrape.js';

export interface MetricsSources extends RetentionSources {
  db: JobsExecutor;
  queues: Queues;
  logger: Logger;
  /** This process's long-polling readers of the change feed. */
  changeWaiters?: { readonly count: number };
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Seconds; from a quick loopback delivery to one that waited out an hour of retries. */
const LATENCY_BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400] as const;

/**
 * The Prometheus registry of one process. Everything about dispatch is read from Redis and
 * PostgreSQL when scraped (collect callbacks), not counted in this process, so every API
 * instance reports the same figures whichever worker did the work. Labels are queue names,
 * states and failure classes only: never a destination URL, a plan, or anything personal.
 */
export function createMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'planbrygga_' });
  const guarded = (what: string, collect: () => Promise<void>) => async () => {
    try {
      await collect();
    } catch (err) {
      // A scrape while Redis or PostgreSQL is away shows the gap; the readiness probe says why.
      sources.logger.warn({ err, metric: what }, 'metric not collected');
    }
  };

  // The registry collects every metric at once; metrics read from one query share it per scrape.
  const outbox = sharedPerScrape(() => outboxBacklog(sources.db));
  const tallies = sharedPerScrape(async () =>
    (await tallyDeliveries(sources.db)).flatMap((t) =>
      isJobName(t.jobName) ? [{ ...t, queue: queueOf(t.jobName) }] : [],
    ),
  );

  const queueJobs = new Gauge({
    name: 'planbrygga_queue_jobs',
    help: 'Jobs in each BullMQ queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    collect: guarded('planbrygga_queue_jobs', async () => {
      const counts = await Promise.all(
        QUEUE_NAMES.map(
          async (queue) => [queue, await sources.queues.queue(queue).getJobCounts(...QUEUE_STATES)] as const,
        ),
      );
      queueJobs.reset();
      for (const [queue, byState] of counts) {
        for (const state of QUEUE_STATES) queueJobs.set({ queue, state }, byState[state] ?? 0);
      }
    }),
  });

  const backlog = new Gauge({
    name: 'planbrygga_outbox_backlog',
    help: 'Outbox rows due and not yet relayed to BullMQ',
    registers: [registry],
    collect: guarded('planbrygga_outbox_backlog', async () => {
      backlog.set((await outbox()).pending);
    }),
  });
  const lag = new Gauge({
    name: 'planbrygga_outbox_lag_seconds',
    help: 'Age of the oldest outbox row waiting for the relay; 0 when none waits',
    registers: [registry],
    collect: guarded('planbrygga_outbox_lag_seconds', async () => {
      lag.set((await outbox()).oldestAgeSeconds);
    }),
  });

  const deliveries = new Gauge({
    name: 'planbrygga_deliveries',
    help: 'Outbound deliveries by queue and status (pending, delivered, failed)',
    labelNames: ['queue', 'status'],
    registers: [registry],
    collect: guarded('planbrygga_deliveries', async () => {
      deliveries.reset();
      for (const t of await tallies()) deliveries.inc({ queue: t.queue, status: t.status }, t.deliveries);
    }),
  });
  const failures = new Gauge({
    name: 'planbrygga_delivery_failures',
    help: 'Deliveries in the failed state (waiting for an admin) by queue and class of the last failure',
    labelNames: ['queue', 'reason'],
    registers: [registry],
    collect: guarded('planbrygga_delivery_failures', async () => {
      failures.reset();
      for (const t of await tallies()) {
        if (t.status === 'failed') {
          failures.inc({ queue: t.queue, reason: failureClass(t.lastStatusCode, t.errorKind) }, t.deliveries);
        }
      }
    }),
  });
  const attempts = new Counter({
    name: 'planbrygga_delivery_attempts_total',
    help: 'Delivery attempts made, by queue',
    labelNames: ['queue'],
    registers: [registry],
    collect: guarded('planbrygga_delivery_attempts_total', async () => {
      attempts.reset();
      for (const t of await tallies()) attempts.inc({ queue: t.queue }, t.attempts);
    }),
  });
  const failedAttempts = new Counter({
    name: 'planbrygga_delivery_failed_attempts_total',
    help: 'Delivery attempts that did not deliver (retried or failed), by queue',
    labelNames: ['queue'],
    registers: [registry],
    collect: guarded('planbrygga_delivery_failed_attempts_total', async () => {
      failedAttempts.reset();
      for (const t of await tallies()) {
        // Every attempt but the one that delivered failed.
        failedAttempts.inc({ queue: t.queue }, t.attempts - (t.status === 'delivered' ? t.deliveries : 0));
      }
    }),
  });

  registry.registerMetric(latencyHistogram(sources, guarded));
  registerRetentionMetrics(registry, sources, guarded);
  const waiting = new Gauge({
    name: 'planbrygga_change_waiters',
    help: 'Requests of this process waiting for a change on the change feed (long poll)',
    registers: [registry],
    collect() {
      waiting.set(sources.changeWaiters?.count ?? 0);
    },
  });
  return registry;
}

/**
 * A histogram whose buckets are counted by PostgreSQL on each scrape. prom-client's Histogram
 * only takes observations one at a time, so this metric hands the registry its series itself.
 */
function latencyHistogram(sources: MetricsSources, guarded: Guard): Metric {
  const name = 'planbrygga_delivery_latency_seconds';
  const help = 'Seconds from the outbox row (work committed) to the delivery recorded, by queue';
  let series: { queue: QueueName; cumulative: number[]; sum: number; count: number }[] = [];
  const refresh = guarded(name, async () => {
    const byJob = await deliveryLatencies(sources.db, LATENCY_BOUNDS);
    const byQueue = new Map<
      QueueName,
      { queue: QueueName; cumulative: number[]; sum: number; count: number }
    >();
    for (const row of byJob) {
      if (!isJobName(row.jobName)) continue;
      const queue = queueOf(row.jobName);
      const into = byQueue.get(queue) ?? { queue, cumulative: LATENCY_BOUNDS.map(() => 0), sum: 0, count: 0 };
      row.cumulative.forEach((n, i) => {
        into.cumulative[i] = (into.cumulative[i] ?? 0) + n;
      });
      into.sum += row.sum;
      into.count += row.count;
      byQueue.set(queue, into);
    }
    series = [...byQueue.values()];
  });
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames: ['queue'],
    reset() {
      series = [];
    },
    async get() {
      await refresh();
      return {
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: series.flatMap(({ queue, cumulative, sum, count }) => [
          ...LATENCY_BOUNDS.map((bound, i) => ({
            metricName: `${name}_bucket`,
            labels: { queue, le: bound },
            value: cumulative[i] ?? 0,
          })),
          { metricName: `${name}_bucket`, labels: { queue, le: '+Inf' }, value: count },
          { metricName: `${name}_sum`, labels: { queue }, value: sum },
          { metricName: `${name}_count`, labels: { queue }, value: count },
        ]),
      };
    },
  };
  return metric as unknown as Metric;
}
