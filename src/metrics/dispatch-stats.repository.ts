import { sql } from 'kysely';
import type { JobsExecutor } from '../delivery/outbox/outbox.repository.js';
import type { DeliveryStatus } from '../delivery/schema.js';

export interface DeliveryTally {
  jobName: string;
  status: DeliveryStatus;
  lastStatusCode: number | null;
  /** The last error up to its detail in parentheses ("network error", "timeout"), for classing; null when none. */
  errorKind: string | null;
  deliveries: number;
  attempts: number;
}

/** Deliveries counted by job, status and kind of last failure: one grouped scan per scrape. */
export async function tallyDeliveries(db: JobsExecutor): Promise<DeliveryTally[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select([
      'job_name',
      'status',
      'last_status_code',
      sql<string | null>`case when last_status_code is null then split_part(last_error, ' (', 1) end`.as(
        'error_kind',
      ),
      sql<string>`count(*)`.as('deliveries'),
      sql<string>`coalesce(sum(attempts), 0)`.as('attempts'),
    ])
    .groupBy(['job_name', 'status', 'last_status_code', 'error_kind'])
    .execute();
  return rows.map((row) => ({
    jobName: row.job_name,
    status: row.status,
    lastStatusCode: row.last_status_code,
    errorKind: row.error_kind,
    deliveries: Number(row.deliveries),
    attempts: Number(row.attempts),
  }));
}

export interface LatencyBuckets {
  jobName: string;
  /** Cumulative counts, one per bucket bound, in order. */
  cumulative: number[];
  sum: number;
  count: number;
}

/**
 * Seconds from the outbox row (the moment the work was committed) to the delivery, per job.
 * The outbox row names itself in the job id (`<job>-<outbox id>`); once purged, the delivery's
 * first attempt stands in for it.
 */
export async function deliveryLatencies(
  db: JobsExecutor,
  bounds: readonly number[],
): Promise<LatencyBuckets[]> {
  const latency = sql<number>`extract(epoch from d.delivered_at - coalesce(o.created_at, d.created_at))`;
  const rows = await db
    .selectFrom('deliveries as d')
    .leftJoin('outbox as o', (join) =>
      join
        .onRef('o.kind', '=', 'd.job_name')
        .on(sql`o.id`, '=', sql`(substring(d.job_id from '-([0-9]{1,18})$'))::bigint`),
    )
    .where('d.status', '=', 'delivered')
    .where('d.delivered_at', 'is not', null)
    .select([
      'd.job_name',
      sql<string>`count(*)`.as('count'),
      sql<string>`coalesce(sum(${latency}), 0)`.as('sum'),
      ...bounds.map((bound, i) => sql<string>`count(*) filter (where ${latency} <= ${bound})`.as(`b${i}`)),
    ])
    .groupBy('d.job_name')
    .execute();
  return rows.map((row) => {
    const record = row as unknown as Record<string, string>;
    return {
      jobName: row.job_name,
      cumulative: bounds.map((_, i) => Number(record[`b${i}`])),
      sum: Number(row.sum),
      count: Number(row.count),
    };
  });
}
