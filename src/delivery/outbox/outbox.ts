import type { Transaction } from 'kysely';
import { executeWrite, type Write } from '../../db/writes.js';
import { type Job, parseJob } from '../queues/catalogue.js';
import type { JobTables } from '../schema.js';
import { outboxInsert } from './outbox.repository.js';

export interface EnqueueOptions {
  /** Not before this time (a reminder due in N days); the relay holds the row until then. */
  availableAt?: Date;
}

/**
 * The write that puts jobs in the outbox, to send with the other writes of the change that
 * causes them (PendingWrites), so the work commits or rolls back with it. No jobs, no write.
 */
export function jobsInsert(jobs: Job | readonly Job[], options: EnqueueOptions = {}): Write | undefined {
  const list: readonly Job[] = Array.isArray(jobs) ? jobs : [jobs as Job];
  // Checked on the way in as well as on the way out: a bad payload is the caller's bug, found at once.
  const checked = list.map((job) => parseJob(job.name, job.data));
  return outboxInsert(
    checked.map((job) => ({ kind: job.name, payload: job.data })),
    options.availableAt,
  );
}

/**
 * Writes jobs to the outbox now, inside the caller's transaction. Taking a Transaction (not a
 * plain Kysely) makes "outside a transaction" a compile error. Returns the rows' webhook ids,
 * which are also their BullMQ job ids.
 */
export async function enqueue<DB extends JobTables>(
  trx: Transaction<DB>,
  jobs: Job | readonly Job[],
  options: EnqueueOptions = {},
): Promise<string[]> {
  const write = jobsInsert(jobs, options);
  if (!write) return [];
  const inserted = await executeWrite<{ webhook_id: string }>(trx, write);
  return inserted.map((row) => row.webhook_id);
}
