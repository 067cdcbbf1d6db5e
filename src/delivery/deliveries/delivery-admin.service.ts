import type { Caller, ServiceContext } from '../../services/context.js';
import { conflict, DomainError, notFound } from '../../services/errors.js';
import { jobTables } from '../outbox/outbox.repository.js';
import { isJobName, queueOf } from '../queues/catalogue.js';
import type { Queues } from '../queues/queues.js';
import {
  type DeliveryFilter,
  type DeliveryView,
  findDelivery,
  listDeliveries,
  setDeliveryStatus,
  unrelayOutboxRow,
} from './delivery-admin.repository.js';

export interface DeliveryAdminContext extends ServiceContext {
  queues: Queues;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How a retry was queued: the failed BullMQ job retried, or its outbox row handed back to the relay. */
export type RetryRoute = 'job' | 'outbox';

export interface RetriedDelivery {
  id: string;
  via: RetryRoute;
}

export interface BulkRetryResult {
  retried: RetriedDelivery[];
  /** Deliveries that matched but could not be retried, with the reason. */
  skipped: { id: string; reason: string }[];
}

export function listOwnDeliveries(
  ctx: DeliveryAdminContext,
  caller: Caller,
  filter: Omit<DeliveryFilter, 'organisation'>,
): Promise<DeliveryView[]> {
  return listDeliveries(jobTables(ctx.db), { ...filter, organisation: caller.organisation });
}

/** Retries one failed delivery of the caller's organisation; 404 for another's, 409 when it is not failed. */
export async function retryDelivery(
  ctx: DeliveryAdminContext,
  caller: Caller,
  id: string,
): Promise<RetriedDelivery> {
  const delivery = UUID.test(id) ? await findDelivery(jobTables(ctx.db), caller.organisation, id) : undefined;
  if (!delivery) throw notFound('The delivery');
  return retry(ctx, delivery);
}

/** Retries every failed delivery matching the filter (at most `limit`), one after another. */
export async function retryMatching(
  ctx: DeliveryAdminContext,
  caller: Caller,
  filter: Omit<DeliveryFilter, 'organisation' | 'status'>,
): Promise<BulkRetryResult> {
  const failed = await listOwnDeliveries(ctx, caller, { ...filter, status: 'failed' });
  const result: BulkRetryResult = { retried: [], skipped: [] };
  for (const delivery of failed) {
    try {
      result.retried.push(await retry(ctx, delivery));
    } catch (error) {
      if (!(error instanceof DomainError && error.status === 409)) throw error;
      result.skipped.push({ id: delivery.id, reason: error.message });
    }
  }
  return result;
}

/**
 * The delivery goes back to `pending` first, so a worker that picks the job up at once
 * records its own outcome over ours, never under it. Then the failed job is retried with a
 * fresh attempt budget; a job no longer in Redis (removed from the dashboard) is relayed
 * again from its outbox row. Either way the job id, which is the webhook-id the receiver
 * de-duplicates on, stays the same.
 */
async function retry(ctx: DeliveryAdminContext, delivery: DeliveryView): Promise<RetriedDelivery> {
  const db = jobTables(ctx.db);
  if (delivery.status !== 'failed' || !isJobName(delivery.jobName)) {
    throw conflict(`The delivery is ${delivery.status}, not failed`);
  }
  if (!(await setDeliveryStatus(db, delivery.id, 'failed', 'pending', ctx.clock()))) {
    throw conflict('The delivery changed while retrying it');
  }
  const restore = () => setDeliveryStatus(db, delivery.id, 'pending', 'failed', ctx.clock());
  try {
    const via = await requeue(ctx, delivery.jobName, delivery.jobId);
    if (via) return { id: delivery.id, via };
  } catch (error) {
    await restore();
    throw error;
  }
  await restore();
  throw conflict('The job is neither failed in its queue nor in the outbox any more; submit it again');
}

async function requeue(
  ctx: DeliveryAdminContext,
  jobName: string,
  jobId: string,
): Promise<RetryRoute | null> {
  if (!isJobName(jobName)) return null;
  const job = await ctx.queues.queue(queueOf(jobName)).getJob(jobId);
  if (job) {
    if ((await job.getState()) !== 'failed') return null;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'job';
  }
  return (await unrelayOutboxRow(jobTables(ctx.db), jobName, jobId)) ? 'outbox' : null;
}
