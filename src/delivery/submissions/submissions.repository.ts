import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Executor, Tx } from '../../db/database.js';
import type { SubmissionRow, SubmissionStatus } from '../../db/lifecycle-schema.js';
import type { Database, PlanVersionRow } from '../../db/schema.js';
import { insertRows } from '../../db/writes.js';
import {
  type DestinationSecretCodec,
  type DestinationWithSecret,
  destinationWithSecretFromJson,
  destinationWithSecretQuery,
} from '../destinations/destinations.repository.js';
import { jobTables } from '../outbox/outbox.repository.js';

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

export const submissionsInsert = insertRows('submissions', [
  'id',
  'plan_id',
  'version',
  'content_hash',
  'destination_id',
  'status',
  'created_at',
  'delivered_at',
  'acknowledged_at',
]);

export async function findSubmission(db: Executor, id: string): Promise<SubmissionRow | undefined> {
  return db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What a submission's delivery job reads before it sends: the submission, the destination and the version. */
export interface SubmissionDelivery {
  submission: SubmissionRow;
  destination: DestinationWithSecret | undefined;
  version: Pick<PlanVersionRow, 'version' | 'document' | 'content_hash'> | undefined;
}

/**
 * The submission of a delivery job, with the job's destination (secret opened) and the plan
 * version it sends, in one round trip; undefined when the submission no longer exists.
 */
export async function findSubmissionDelivery(
  db: Executor,
  job: { submissionId: string; destinationId: string; planId: string; version: number },
  secrets: DestinationSecretCodec,
): Promise<SubmissionDelivery | undefined> {
  const row = await db
    .selectFrom('submissions')
    .leftJoin('plan_versions', (join) =>
      join.on('plan_versions.plan_id', '=', job.planId).on('plan_versions.version', '=', job.version),
    )
    .selectAll('submissions')
    .select([
      'plan_versions.version as stored_version',
      'plan_versions.document',
      'plan_versions.content_hash as stored_hash',
    ])
    .select(
      jsonObjectFrom(destinationWithSecretQuery(jobTables<Database>(db), job.destinationId)).as(
        'destination',
      ),
    )
    .where('submissions.id', '=', job.submissionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { stored_version, document, stored_hash, destination, ...submission } = row;
  return {
    submission,
    destination: destination ? destinationWithSecretFromJson(destination, secrets) : undefined,
    version:
      stored_version === null || document === null || stored_hash === null
        ? undefined
        : { version: stored_version, document, content_hash: stored_hash },
  };
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
