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

/**
 * A job's attempt recorded after it was sent, in one statement: the delivery row is created
 * on the first attempt and counted on later ones. For a job whose own record says whether it
 * was delivered (a submission's status), so no row is written before sending.
 */
export async function recordSentAttempt(
  db: JobsExecutor,
  start: DeliveryStart,
  attempt: DeliveryAttempt,
  now: Date,
): Promise<void> {
  await db
    .insertInto('deliveries')
    .values({
      ...newDelivery(start, now),
      attempts: 1,
      status: attempt.status,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      ...(attempt.status === 'delivered' ? { delivered_at: now } : {}),
    })
    .onConflict((oc) =>
      oc
        .column('job_id')
        .doUpdateSet({
          attempts: sql<number>`deliveries.attempts + 1`,
          status: attempt.status,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          updated_at: now,
          ...(attempt.status === 'delivered' ? { delivered_at: now } : {}),
        })
        // A worker that lost its job (lock expired while it hung) must not undo another's success.
        .where('deliveries.status', '<>', 'delivered'),
    )
    .execute();
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
