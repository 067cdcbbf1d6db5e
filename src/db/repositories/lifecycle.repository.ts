import { type RawBuilder, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { CooperationEvent } from '../../domain/lifecycle/cooperation.js';
import type { OverdueCode, OverdueReason } from '../../domain/lifecycle/deadlines.js';
import type { RecordedSignature } from '../../domain/lifecycle/signatures.js';
import type { Signature } from '../../domain/plan.js';
import { compiledOnce } from '../compiled-once.js';
import type { Executor, Tx } from '../database.js';
import type { SubmissionRow } from '../lifecycle-schema.js';
import type { PlanRow } from '../schema.js';
import { deleteRows, executeWrite, insertRows, updateRows, upsertRows, type Write } from '../writes.js';
import {
  cooperationQuery,
  reviewsQuery,
  type StoredReview,
  toStoredReview,
} from './plan-records.repository.js';
import { policiesForQuery, policiesOfUnit, type UnitPolicies } from './policies.repository.js';

/** A `date` column as `YYYY-MM-DD` text: pg would otherwise parse it into a local-time Date. */
export function calendarDateText(column: string): RawBuilder<string> {
  return sql<string>`${sql.ref(column)}::text`;
}

/** One of the organisation's plans, locked until the transaction ends. */
export async function lockOwnPlan(trx: Tx, organisation: string, id: string): Promise<PlanRow | undefined> {
  return trx
    .selectFrom('plans')
    .selectAll()
    .where('organisation', '=', organisation)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The next plans after `afterId`, locked; plans another transaction holds (a push, another
 * scanner) are skipped, since whoever holds them evaluates them. Ended plans have no deadlines.
 */
export async function lockNextPlans(trx: Tx, afterId: string | undefined, limit: number): Promise<PlanRow[]> {
  let query = trx
    .selectFrom('plans')
    .selectAll()
    .where('current_version', '>', 0)
    .where('status', '<>', 'ended');
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).forUpdate().skipLocked().execute();
}

export type StoredSignature = RecordedSignature & { version: number; recordedAt: Date };

function signaturesQuery(db: Executor, planId: string) {
  return db
    .selectFrom('signatures')
    .select(['version', 'signed_content_hash', 'role', 'signed', 'name', 'method', 'reason', 'source'])
    .select(calendarDateText('date').as('date'))
    .select('recorded_at')
    .where('plan_id', '=', planId)
    .orderBy('seq');
}

function toStoredSignature(row: {
  version: number;
  signed_content_hash: string;
  role: string;
  signed: boolean;
  name: string | null;
  date: string;
  method: string | null;
  reason: string | null;
  source: 'document' | 'api';
  recorded_at: Date;
}): StoredSignature {
  const signature = (
    row.signed
      ? { role: row.role, signed: true, name: row.name, date: row.date, method: row.method }
      : { role: row.role, signed: false, reason: row.reason }
  ) as Signature;
  return {
    ...signature,
    signedContentHash: row.signed_content_hash,
    source: row.source,
    version: row.version,
    recordedAt: row.recorded_at,
  };
}

/** What the lifecycle rules read of a plan besides its version: its policies and records. */
export interface LifecycleRecords {
  policies: UnitPolicies;
  /** Names and reasons still sealed. */
  signatures: StoredSignature[];
  submissions: SubmissionRow[];
  overdue: OverdueReason[];
  reviews: StoredReview[];
  cooperation: CooperationEvent[];
}

/**
 * Every record the lifecycle rules read of one plan, as one statement of JSON arrays. Read on
 * every push, submit and delivery outcome: built and compiled once, sent prepared (compiled-once.ts).
 */
const lifecycleRecordsRead = compiledOnce(
  (db: Executor, organisation: string, unitId: string, planId: string) =>
    db.selectNoFrom([
      jsonArrayFrom(policiesForQuery(db, organisation, unitId)).as('policies'),
      jsonArrayFrom(signaturesQuery(db, planId)).as('signatures'),
      jsonArrayFrom(submissionsQuery(db, planId)).as('submissions'),
      jsonArrayFrom(overdueQuery(db, planId)).as('overdue'),
      jsonArrayFrom(reviewsQuery(db, planId)).as('reviews'),
      jsonArrayFrom(cooperationQuery(db, planId)).as('cooperation'),
    ]),
);

/**
 * The policies of the plan's organisation and unit, its signatures, submissions, overdue
 * reasons, reviews and changed cooperation, in one round trip (nested JSON reads; times come back as text).
 */
export async function readLifecycleRecords(
  db: Executor,
  plan: { id: string; organisation: string },
  unitId: string,
): Promise<LifecycleRecords> {
  const [read] = await lifecycleRecordsRead(db, plan.organisation, unitId, plan.id);
  if (!read) throw new Error('the lifecycle records read returned no row');
  return {
    policies: policiesOfUnit(read.policies, unitId),
    signatures: read.signatures.map((row) =>
      toStoredSignature({ ...row, recorded_at: new Date(row.recorded_at) }),
    ),
    submissions: read.submissions.map((row) => ({
      ...row,
      created_at: new Date(row.created_at),
      delivered_at: row.delivered_at === null ? null : new Date(row.delivered_at),
      acknowledged_at: row.acknowledged_at === null ? null : new Date(row.acknowledged_at),
    })),
    overdue: read.overdue.map(toOverdueReason),
    reviews: read.reviews.map(toStoredReview),
    cooperation: read.cooperation,
  };
}

export interface NewSignature {
  planId: string;
  version: number;
  signature: RecordedSignature;
  dedupeKey: string;
  recordedBy: string;
  recordedAt: Date;
}

const insertSignatureRows = insertRows(
  'signatures',
  [
    'plan_id',
    'version',
    'signed_content_hash',
    'role',
    'signed',
    'name',
    'date',
    'method',
    'reason',
    'source',
    'dedupe_key',
    'recorded_by',
    'recorded_at',
  ],
  { suffix: 'on conflict on constraint "signatures_identity_key" do nothing returning "id"' },
);

/** The insert of signatures; one already stored for the same content is skipped. */
export function signaturesInsert(signatures: readonly NewSignature[]): Write | undefined {
  return insertSignatureRows(
    signatures.map(({ signature: s, ...row }) => ({
      plan_id: row.planId,
      version: row.version,
      signed_content_hash: s.signedContentHash,
      role: s.role,
      signed: s.signed,
      name: s.signed ? s.name : null,
      date: s.signed ? s.date : null,
      method: s.signed ? s.method : null,
      reason: s.signed ? null : s.reason,
      source: s.source,
      dedupe_key: row.dedupeKey,
      recorded_by: row.recordedBy,
      recorded_at: row.recordedAt,
    })),
  );
}

/** Inserts signatures now; returns how many were new (a duplicate is skipped). */
export async function insertSignatures(trx: Tx, signatures: readonly NewSignature[]): Promise<number> {
  const insert = signaturesInsert(signatures);
  return insert ? (await executeWrite(trx, insert)).length : 0;
}

export interface NewTransition {
  planId: string;
  version: number;
  from: string;
  to: string;
  at: Date;
  actor: string;
  requestId: string | null;
}

const insertTransitions = insertRows('lifecycle_transitions', [
  'plan_id',
  'version',
  'from_state',
  'to_state',
  'at',
  'actor',
  'request_id',
]);

export function transitionsInsert(transitions: readonly NewTransition[]): Write | undefined {
  return insertTransitions(
    transitions.map((t) => ({
      plan_id: t.planId,
      version: t.version,
      from_state: t.from,
      to_state: t.to,
      at: t.at,
      actor: t.actor,
      request_id: t.requestId,
    })),
  );
}

function submissionsQuery(db: Executor, planId: string) {
  return db
    .selectFrom('submissions')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('created_at')
    .orderBy('id');
}

function overdueQuery(db: Executor, planId: string) {
  return db
    .selectFrom('plan_overdue')
    .select('reason')
    .select(calendarDateText('due_on').as('due_on'))
    .select(calendarDateText('since').as('since'))
    .where('plan_id', '=', planId)
    .orderBy('reason');
}

function toOverdueReason(row: { reason: string; due_on: string; since: string }): OverdueReason {
  return { code: row.reason as OverdueCode, dueOn: row.due_on, overdueSince: row.since };
}

const deleteOverdue = deleteRows('plan_overdue', ['plan_id', 'reason']);
const upsertOverdue = upsertRows(
  'plan_overdue',
  ['plan_id', 'reason'],
  ['plan_id', 'reason', 'due_on', 'since', 'recorded_at'],
);

/**
 * The writes that store the reasons that appeared and drop those that cleared. A moved
 * deadline is both: its row is overwritten rather than deleted, so the two writes never touch
 * the same row and can go in one statement.
 */
export function overdueWrites(
  planId: string,
  change: { became: readonly OverdueReason[]; cleared: readonly OverdueReason[] },
  at: Date,
): Array<Write | undefined> {
  const replaced = new Set(change.became.map((reason) => reason.code));
  const dropped = [...new Set(change.cleared.map((reason) => reason.code))].filter((c) => !replaced.has(c));
  return [
    deleteOverdue(dropped.map((reason) => ({ plan_id: planId, reason }))),
    upsertOverdue(
      change.became.map((reason) => ({
        plan_id: planId,
        reason: reason.code,
        due_on: reason.dueOn,
        since: reason.overdueSince,
        recorded_at: at,
      })),
    ),
  ];
}

export interface OverduePlanRow {
  id: string;
  unit_id: string;
  source_system: string;
  source_plan_id: string;
  status: string;
  current_version: number;
  reason: string;
  due_on: string;
  since: string;
}

/** Every overdue reason of the organisation's plans, by unit, plan and reason. */
export async function listOverduePlans(db: Executor, organisation: string): Promise<OverduePlanRow[]> {
  return db
    .selectFrom('plan_overdue')
    .innerJoin('plans', 'plans.id', 'plan_overdue.plan_id')
    .select([
      'plans.id',
      'plans.unit_id',
      'plans.source_system',
      'plans.source_plan_id',
      'plans.status',
      'plans.current_version',
      'plan_overdue.reason',
    ])
    .select(calendarDateText('plan_overdue.due_on').as('due_on'))
    .select(calendarDateText('plan_overdue.since').as('since'))
    .where('plans.organisation', '=', organisation)
    .orderBy('plans.unit_id')
    .orderBy('plans.created_at')
    .orderBy('plans.id')
    .orderBy('plan_overdue.reason')
    .execute();
}

const updatePlanStates = updateRows('plans', 'id', ['status', 'updated_at']);

/** The update of a plan's lifecycle state, to send with the step's other writes (PendingWrites). */
export function planStateUpdate(id: string, update: { status: string; updated_at: Date }): Write {
  return updatePlanStates([{ id, ...update }]);
}
