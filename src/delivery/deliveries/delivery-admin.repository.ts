import { sql } from 'kysely';
import type { JobsExecutor } from '../outbox/outbox.repository.js';
import { JOBS, type JobName, type QueueName } from '../queues/catalogue.js';
import type { DeliveryStatus, DestinationKind } from '../schema.js';

/** Which deliveries an admin looks at or retries; always within one organisation. */
export interface DeliveryFilter {
  organisation: string;
  status: DeliveryStatus;
  queue?: QueueName;
  destinationId?: string;
  planId?: string;
  limit: number;
}

/** A delivery as the admin API shows it: ids, counts and the receiver's reason; no URL, secret or document. */
export interface DeliveryView {
  id: string;
  jobName: string;
  jobId: string;
  destinationId: string;
  destinationKind: DestinationKind;
  destinationSystem: string;
  planId: string | null;
  version: number | null;
  webhookId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function jobNamesOf(queue: QueueName): JobName[] {
  return (Object.keys(JOBS) as JobName[]).filter((name) => JOBS[name].queue === queue);
}

function deliveriesOf(db: JobsExecutor, organisation: string) {
  return db
    .selectFrom('deliveries as d')
    .innerJoin('destinations as t', 't.id', 'd.destination_id')
    .where('t.organisation', '=', organisation)
    .select([
      'd.id',
      'd.job_name',
      'd.job_id',
      'd.destination_id',
      't.kind',
      't.system',
      'd.plan_id',
      'd.version',
      'd.webhook_id',
      'd.status',
      'd.attempts',
      'd.last_status_code',
      'd.last_error',
      'd.created_at',
      'd.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof deliveriesOf>['execute']>>[number];

function toView(row: Row): DeliveryView {
  return {
    id: row.id,
    jobName: row.job_name,
    jobId: row.job_id,
    destinationId: row.destination_id,
    destinationKind: row.kind,
    destinationSystem: row.system,
    planId: row.plan_id,
    version: row.version,
    webhookId: row.webhook_id,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Newest change first. */
export async function listDeliveries(db: JobsExecutor, filter: DeliveryFilter): Promise<DeliveryView[]> {
  let query = deliveriesOf(db, filter.organisation).where('d.status', '=', filter.status);
  if (filter.queue) query = query.where('d.job_name', 'in', jobNamesOf(filter.queue));
  if (filter.destinationId) query = query.where('d.destination_id', '=', filter.destinationId);
  if (filter.planId) query = query.where('d.plan_id', '=', filter.planId);
  const rows = await query
    .orderBy('d.updated_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toView);
}

export async function findDelivery(
  db: JobsExecutor,
  organisation: string,
  id: string,
): Promise<DeliveryView | undefined> {
  const row = await deliveriesOf(db, organisation).where('d.id', '=', id).executeTakeFirst();
  return row && toView(row);
}

/**
 * Moves a delivery between `failed` and `pending` when an admin retries it (and back when the
 * retry could not be queued). Conditional, so a worker's newer outcome is never overwritten.
 */
export async function setDeliveryStatus(
  db: JobsExecutor,
  id: string,
  from: DeliveryStatus,
  to: DeliveryStatus,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Hands a relayed outbox row back to the relay, which adds its job again under the row's
 * webhook id, the job id it had. For a job no longer in Redis.
 */
export async function unrelayOutboxRow(db: JobsExecutor, kind: string, jobId: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ relayed_at: sql<Date>`null` })
    .where('webhook_id', '=', jobId as never)
    .where('kind', '=', kind)
    .where('relayed_at', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
