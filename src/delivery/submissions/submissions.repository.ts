import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { compiledOnce } from '../../db/compiled-once.js';
import type { Executor, Tx } from '../../db/database.js';
import type { SubmissionRow, SubmissionStatus } from '../../db/lifecycle-schema.js';
import type { Database, PlanRow, PlanVersionRow } from '../../db/schema.js';
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
    acknowledged_by: null,
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

const SUBMISSION_COLUMNS = [
  'submissions.id',
  'submissions.plan_id',
  'submissions.version',
  'submissions.content_hash',
  'submissions.destination_id',
  'submissions.status',
  'submissions.created_at',
  'submissions.delivered_at',
  'submissions.acknowledged_at',
  'submissions.acknowledged_by',
] as const;

/**
 * What every submission delivery reads, compiled once and sent prepared (compiled-once.ts): the
 * submission, the plan version (by the job's plan and version) and the destination as JSON.
 */
const submissionDeliveryRead = compiledOnce(
  (db: Executor, submissionId: string, planId: string, version: number, destinationId: string) =>
    db
      .selectFrom('submissions')
      .leftJoin('plan_versions', (join) =>
        join.on('plan_versions.plan_id', '=', planId).on('plan_versions.version', '=', version),
      )
      .select(SUBMISSION_COLUMNS)
      .select([
        'plan_versions.version as stored_version',
        'plan_versions.document',
        'plan_versions.content_hash as stored_hash',
      ])
      .select(
        jsonObjectFrom(destinationWithSecretQuery(jobTables<Database>(db), destinationId)).as('destination'),
      )
      .where('submissions.id', '=', submissionId),
);

/**
 * The submission of a delivery job, with the job's destination (secret opened) and the plan
 * version it sends, in one round trip; undefined when the submission no longer exists.
 */
export async function findSubmissionDelivery(
  db: Executor,
  job: { submissionId: string; destinationId: string; planId: string; version: number },
  secrets: DestinationSecretCodec,
): Promise<SubmissionDelivery | undefined> {
  const [row] = await submissionDeliveryRead(
    db,
    job.submissionId,
    job.planId,
    job.version,
    job.destinationId,
  );
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

/** Who acknowledges: a signed-in person's name, else the name of the API client. */
export interface Acknowledger {
  clientId: string;
  personName: string | null;
}

/**
 * Moves a submission forward: queued → delivered or failed, delivered → acknowledged (noting
 * by whom). A status already reached (a rerun job, a repeated receipt) changes nothing; false then.
 */
export async function advanceSubmission(
  trx: Tx,
  id: string,
  to: Exclude<SubmissionStatus, 'queued'>,
  now: Date,
  by?: Acknowledger,
): Promise<boolean> {
  const result = await trx
    .updateTable('submissions')
    .set({
      status: to,
      ...(to === 'delivered' && { delivered_at: now }),
      ...(to === 'acknowledged' && {
        acknowledged_at: now,
        acknowledged_by: by
          ? sql<
              string | null
            >`coalesce(${by.personName}::text, (select name from clients where id = ${by.clientId}::uuid))`
          : null,
      }),
    })
    .where('id', '=', id)
    .where('status', 'in', advancesFrom(to))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The statuses a submission moves to `to` from. */
function advancesFrom(to: Exclude<SubmissionStatus, 'queued'>): SubmissionStatus[] {
  // A failed submission that an admin retried may still be delivered.
  return to === 'acknowledged' ? ['delivered'] : to === 'delivered' ? ['queued', 'failed'] : ['queued'];
}

/**
 * Moves deliveries' submissions to their outcome, delivered or failed, as advanceSubmission
 * does each: one statement per outcome; the ids of those that moved.
 */
export async function advanceSubmissions(
  trx: Tx,
  outcomes: readonly { id: string; to: 'delivered' | 'failed' }[],
  now: Date,
): Promise<Set<string>> {
  const moved = new Set<string>();
  for (const to of ['delivered', 'failed'] as const) {
    const ids = outcomes.filter((o) => o.to === to).map((o) => o.id);
    if (ids.length === 0) continue;
    const rows = await trx
      .updateTable('submissions')
      .set({ status: to, ...(to === 'delivered' && { delivered_at: now }) })
      .where('id', 'in', ids)
      .where('status', 'in', advancesFrom(to))
      .returning('id')
      .execute();
    for (const row of rows) moved.add(row.id);
  }
  return moved;
}

/**
 * The plans of submissions, locked in the order of their ids (so transactions locking several
 * never deadlock on each other), by submission id; a submission that no longer exists is absent.
 */
export async function lockPlansOfSubmissions(
  trx: Tx,
  submissionIds: readonly string[],
): Promise<Map<string, PlanRow>> {
  const rows = await trx
    .selectFrom('plans')
    .innerJoin('submissions', 'submissions.plan_id', 'plans.id')
    .selectAll('plans')
    .select('submissions.id as submission_id')
    .where('submissions.id', 'in', submissionIds)
    .orderBy('plans.id')
    .forUpdate('plans')
    .execute();
  return new Map(rows.map(({ submission_id, ...plan }) => [submission_id, plan]));
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

/** Which inbox submissions a case officer looks at: waiting for a receipt, acknowledged, or both. */
export type InboxFilter = 'waiting' | 'acknowledged' | 'all';

export interface InboxEntry {
  id: string;
  planId: string;
  version: number;
  status: 'delivered' | 'acknowledged';
  sourceSystem: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  /** The submitted version's document (encrypted), for the person's name and the unit; null once pruned. */
  document: Buffer | null;
}

/**
 * A page of the organisation's inbox submissions for the browser: waiting ones first, each
 * kind oldest first; optionally only those of one person (by the blind index).
 */
export async function listInboxEntries(
  db: Executor,
  organisation: string,
  options: { filter: InboxFilter; personIndex?: string; limit: number; offset: number },
): Promise<InboxEntry[]> {
  const statuses: SubmissionStatus[] =
    options.filter === 'waiting'
      ? ['delivered']
      : options.filter === 'acknowledged'
        ? ['acknowledged']
        : ['delivered', 'acknowledged'];
  let query = db
    .selectFrom('submissions')
    .innerJoin('plans', 'plans.id', 'submissions.plan_id')
    .leftJoin('plan_versions', (join) =>
      join
        .onRef('plan_versions.plan_id', '=', 'submissions.plan_id')
        .onRef('plan_versions.version', '=', 'submissions.version'),
    )
    .select([
      'submissions.id',
      'submissions.plan_id',
      'submissions.version',
      'submissions.status',
      'submissions.created_at',
      'submissions.acknowledged_at',
      'plans.source_system',
      'plan_versions.document',
    ])
    .where('plans.organisation', '=', organisation)
    .where('submissions.destination_id', 'is', null)
    .where('submissions.status', 'in', statuses);
  if (options.personIndex !== undefined) query = query.where('plans.person_index', '=', options.personIndex);
  // Waiting ones first only where both kinds are listed; one kind sorts on its columns alone.
  if (options.filter === 'all') query = query.orderBy(sql`submissions.status = 'acknowledged'`);
  const rows = await query
    .orderBy('submissions.created_at')
    .orderBy('submissions.id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    planId: row.plan_id,
    version: row.version,
    status: row.status === 'acknowledged' ? 'acknowledged' : 'delivered',
    sourceSystem: row.source_system,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    document: row.document,
  }));
}
