import { sql } from 'kysely';
import type { JobsExecutor } from '../outbox/outbox.repository.js';
import type { DeliveryRow, DeliveryStatus } from '../schema.js';

export interface DeliveryStart {
  destinationId: string;
  jobName: string;
  jobId: string;
  planId: string | null;
  version: number | null;
  webhookId: string;
}

/**
 * The delivery row of a job, created on its first attempt. Keyed by job id, so a job run
 * again (stalled worker, re-relayed duplicate) finds the row and its status.
 */
export async function startDelivery(db: JobsExecutor, start: DeliveryStart, now: Date): Promise<DeliveryRow> {
  // One round trip: a rerun's no-op update returns the row as it stands, with its webhook id.
  return db
    .insertInto('deliveries')
    .values(newDelivery(start, now))
    .onConflict((oc) => oc.column('job_id').doUpdateSet({ job_id: (eb) => eb.ref('excluded.job_id') }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

function newDelivery(start: DeliveryStart, now: Date) {
  return {
    destination_id: start.destinationId,
    job_name: start.jobName,
    job_id: start.jobId,
    plan_id: start.planId,
    version: start.version,
    webhook_id: start.webhookId,
    created_at: now,
    updated_at: now,
  };
}

export interface DeliveryAttempt {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
}

/** An attempt sent by a job, to record with the job's own outcome. */
export interface SentAttempt {
  start: DeliveryStart;
  attempt: DeliveryAttempt;
  at: Date;
}

/**
 * Jobs' attempts recorded after they were sent, in one statement: each job's delivery row is
 * created on its first attempt and counted on later ones. For a job whose own record says
 * whether it was delivered (a submission's status), so no row is written before sending.
 */
export async function recordSentAttempts(db: JobsExecutor, sent: readonly SentAttempt[]): Promise<void> {
  if (sent.length === 0) return;
  await db
    .insertInto('deliveries')
    .values(
      sent.map(({ start, attempt, at }) => ({
        ...newDelivery(start, at),
        attempts: 1,
        status: attempt.status,
        last_status_code: attempt.statusCode,
        last_error: attempt.error,
        delivered_at: attempt.status === 'delivered' ? at : null,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('job_id')
        .doUpdateSet({
          attempts: sql<number>`deliveries.attempts + 1`,
          status: (eb) => eb.ref('excluded.status'),
          last_status_code: (eb) => eb.ref('excluded.last_status_code'),
          last_error: (eb) => eb.ref('excluded.last_error'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
          delivered_at: sql<Date | null>`coalesce(excluded.delivered_at, deliveries.delivered_at)`,
        })
        // A worker that lost its job (lock expired while it hung) must not undo another's success.
        .where('deliveries.status', '<>', 'delivered'),
    )
    .execute();
}

/** One job's attempt recorded after it was sent (recordSentAttempts). */
export function recordSentAttempt(
  db: JobsExecutor,
  start: DeliveryStart,
  attempt: DeliveryAttempt,
  at: Date,
): Promise<void> {
  return recordSentAttempts(db, [{ start, attempt, at }]);
}

export async function recordDeliveryAttempt(
  db: JobsExecutor,
  jobId: string,
  attempt: DeliveryAttempt,
  now: Date,
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      attempts: sql<number>`attempts + 1`,
      status: attempt.status,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      updated_at: now,
      ...(attempt.status === 'delivered' ? { delivered_at: now } : {}),
    })
    .where('job_id', '=', jobId)
    // A worker that lost its job (lock expired while it hung) must not undo another's success.
    .where('status', '<>', 'delivered')
    .execute();
}

export async function listPlanDeliveries(db: JobsExecutor, planId: string): Promise<DeliveryRow[]> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('created_at')
    .execute();
}
