import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor, Tx } from '../db/database.js';
import type { SubmissionRow, SubmissionStatus } from '../db/lifecycle-schema.js';

export interface NewSubmission {
  planId: string;
  version: number;
  contentHash: string;
  /** Null: the submission waits in the organisation's pull inbox. */
  destinationId: string | null;
  status: Extract<SubmissionStatus, 'queued' | 'delivered'>;
  now: Date;
}

/** New submission rows, their ids made here so the delivery jobs can name them before the insert. */
export function newSubmissionRows(rows: readonly NewSubmission[]): SubmissionRow[] {
  return rows.map((row) => ({
    id: randomUUID(),
    plan_id: row.planId,
    version: row.version,
    content_hash: row.contentHash,
    destination_id: row.destinationId,
    status: row.status,
    created_at: row.now,
    delivered_at: row.status === 'delivered' ? row.now : null,
    acknowledged_at: null,
  }));
}

export function submissionsInsert(db: Executor, rows: readonly SubmissionRow[]) {
  if (rows.length === 0) return undefined;
  return db.insertInto('submissions').values([...rows]);
}

export async function findSubmission(db: Executor, id: string): Promise<SubmissionRow | undefined> {
  return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A submission of one of the organisation's plans. */
export async function findOwnSubmission(
  db: Executor,
  organisation: string,
  planId: string,
  id: string,
): Promise<SubmissionRow | undefined> {
  return db
    .selectFrom('submissions')
    .innerJoin('plans', 'plans.id', 'submissions.plan_id')
    .selectAll('submissions')
    .where('plans.organisation', '=', organisation)
    .where('submissions.plan_id', '=', planId)
    .where('submissions.id', '=', id)
    .executeTakeFirst();
}

/**
 * Moves a submission forward: queued → delivered or failed, delivered → acknowledged. A
 * status already reached (a rerun job, a repeated receipt) changes nothing; false then.
 */
export async function advanceSubmission(
  trx: Tx,
  id: string,
  to: Exclude<SubmissionStatus, 'queued'>,
  now: Date,
): Promise<boolean> {
  // A failed submission that an admin retried may still be delivered.
  const from: SubmissionStatus[] =
    to === 'acknowledged' ? ['delivered'] : to === 'delivered' ? ['queued', 'failed'] : ['queued'];
  const result = await trx
    .updateTable('submissions')
    .set({
      status: to,
      ...(to === 'delivered' && { delivered_at: now }),
      ...(to === 'acknowledged' && { acknowledged_at: now }),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface InboxItem {
  id: string;
  planId: string;
  version: number;
  sourceSystem: string;
  createdAt: Date;
}

/** The organisation's inbox: submissions without a destination, not yet acknowledged, oldest first. */
export async function listInbox(
  db: Executor,
  organisation: string,
  options: { after?: { createdAt: Date; id: string }; limit: number },
): Promise<InboxItem[]> {
  let query = db
    .selectFrom('submissions')
    .innerJoin('plans', 'plans.id', 'submissions.plan_id')
    .select([
      'submissions.id',
      'submissions.plan_id',
      'submissions.version',
      'submissions.created_at',
      'plans.source_system',
    ])
    .where('plans.organisation', '=', organisation)
    .where('submissions.destination_id', 'is', null)
    .where('submissions.status', '=', 'delivered');
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where(sql<boolean>`(submissions.created_at, submissions.id) > (${createdAt}, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('submissions.created_at')
    .orderBy('submissions.id')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    planId: row.plan_id,
    version: row.version,
    sourceSystem: row.source_system,
    createdAt: row.created_at,
  }));
}

/** An inbox submission of the organisation, with its plan's id. */
export async function findInboxItem(
  db: Executor,
  organisation: string,
  id: string,
): Promise<SubmissionRow | undefined> {
  return db
    .selectFrom('submissions')
    .innerJoin('plans', 'plans.id', 'submissions.plan_id')
    .selectAll('submissions')
    .where('plans.organisation', '=', organisation)
    .where('submissions.id', '=', id)
    .where('submissions.destination_id', 'is', null)
    .executeTakeFirst();
}
