import type { Tx } from '../../db/database.js';
import type { SubmissionRow } from '../../db/lifecycle-schema.js';
import { withPendingWrites } from '../../db/pending-writes.js';
import { lockOwnPlan } from '../../db/repositories/lifecycle.repository.js';
import type { Database, PlanRow } from '../../db/schema.js';
import { submissionRefusal } from '../../domain/lifecycle/lifecycle.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { conflict, notFound } from '../../services/errors.js';
import {
  type Actor,
  type CurrentVersion,
  loadSnapshot,
  SYSTEM_ACTOR,
} from '../../services/lifecycle.service.js';
import { recordSentAttempts, type SentAttempt } from '../deliveries/deliveries.repository.js';
import { jobTables } from '../outbox/outbox.repository.js';
import { createSubmissions, settlePlan } from './dispatch-effects.js';
import type { SubmitMode } from './submission-targets.js';
import {
  advanceSubmission,
  advanceSubmissions,
  findInboxItem,
  findOwnSubmission,
  findSubmission,
  type InboxItem,
  listInbox,
  lockPlansOfSubmissions,
} from './submissions.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A submission as the API shows it. */
export interface SubmissionView {
  id: string;
  planId: string;
  version: number;
  /** `webhook` to a submission destination, `inbox` for receivers that pull. */
  via: 'webhook' | 'inbox';
  status: SubmissionRow['status'];
  createdAt: Date;
  deliveredAt: Date | null;
  acknowledgedAt: Date | null;
  /** Who confirmed receipt: the API client's name, or the case officer's. */
  acknowledgedBy: string | null;
}

export function submissionView(row: SubmissionRow): SubmissionView {
  return {
    id: row.id,
    planId: row.plan_id,
    version: row.version,
    via: row.destination_id === null ? 'inbox' : 'webhook',
    status: row.status,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

/** What a submit left standing, and whether it queued anything new. */
export interface Submitted {
  submissions: SubmissionView[];
  /** False when every destination already had this version (nothing was queued). */
  created: boolean;
}

/**
 * Submits (avger) the current version of a plan to the case officer: refused while the plan
 * is incomplete (422) or not yet established, communicated and signed (409). A version
 * already submitted to a destination is not queued again (a resend is, see planSubmissions).
 * One transaction: the submissions, their delivery jobs and the lifecycle change; the plan
 * row's lock makes concurrent submits of one version one delivery.
 */
export async function submitPlan(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
  requestId: string,
  mode: SubmitMode = 'submit',
): Promise<Submitted> {
  if (!UUID.test(planId)) throw notFound('The plan');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, planId);
    if (!row || row.current_version === 0) throw notFound('The plan');
    if (row.status === 'ended') throw conflict('The plan has ended; a new version reopens it');
    const snapshot = await loadSnapshot(trx, ctx, row);
    const refusal = submissionRefusal(snapshot.assessment.lifecycle);
    if (refusal) throw refusal;
    const by = { actor: caller.clientId, requestId };
    const result = await withPendingWrites(trx, (pending) =>
      createSubmissions(trx, ctx, pending, row, snapshot, by, { mode }),
    );
    return { submissions: result.submissions.map(submissionView), created: result.created.length > 0 };
  });
}

export async function getSubmission(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
  id: string,
): Promise<SubmissionView> {
  if (!UUID.test(planId) || !UUID.test(id)) throw notFound('The submission');
  const row = await findOwnSubmission(ctx.db, caller.organisation, planId, id);
  if (!row) throw notFound('The submission');
  return submissionView(row);
}

/**
 * The receiving system confirms a submission (a receipt, or an inbox ack): the plan becomes
 * acknowledged. Repeating it changes nothing; a failed submission cannot be confirmed.
 */
export async function acknowledgeSubmission(
  ctx: ServiceContext,
  caller: Caller,
  find: (trx: Tx) => Promise<SubmissionRow | undefined>,
  requestId: string,
): Promise<SubmissionView> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await find(trx);
    if (!found) throw notFound('The submission');
    const row = await lockOwnPlan(trx, caller.organisation, found.plan_id);
    if (!row) throw notFound('The submission');
    const submission = (await findSubmission(trx, found.id)) ?? found;
    if (submission.status === 'acknowledged') return submissionView(submission);
    if (submission.status === 'failed')
      throw conflict('The submission failed to be delivered; it cannot be acknowledged');
    // A receipt for a queued submission: the receiver got it before the worker recorded the 2xx.
    if (submission.status === 'queued') await advanceSubmission(trx, submission.id, 'delivered', ctx.clock());
    await advanceSubmission(trx, submission.id, 'acknowledged', ctx.clock(), {
      clientId: caller.clientId,
      personName: caller.personName ?? null,
    });
    const by = { actor: caller.clientId, requestId };
    await withPendingWrites(trx, (pending) => settlePlan(trx, ctx, pending, row, by));
    return submissionView((await findSubmission(trx, submission.id)) ?? submission);
  });
}

export function recordReceipt(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
  id: string,
  requestId: string,
): Promise<SubmissionView> {
  if (!UUID.test(planId) || !UUID.test(id)) throw notFound('The submission');
  return acknowledgeSubmission(
    ctx,
    caller,
    (trx) => findOwnSubmission(trx, caller.organisation, planId, id),
    requestId,
  );
}

export function acknowledgeInboxItem(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  requestId: string,
): Promise<SubmissionView> {
  if (!UUID.test(id)) throw notFound('The inbox item');
  return acknowledgeSubmission(ctx, caller, (trx) => findInboxItem(trx, caller.organisation, id), requestId);
}

export async function inboxOf(
  ctx: ServiceContext,
  caller: Caller,
  options: { after?: { createdAt: Date; id: string }; limit: number },
): Promise<InboxItem[]> {
  return listInbox(ctx.db, caller.organisation, options);
}

/** What a delivery job decided of its submission, to record. */
export interface SubmissionOutcome {
  submissionId: string;
  outcome: 'delivered' | 'failed';
  requestId: string | undefined;
  /** The version the worker rendered, reused when it is still the plan's current one. */
  known?: CurrentVersion;
  /** The delivery attempt that decided it, recorded in the same transaction. */
  sent?: SentAttempt;
}

/**
 * The worker's side: deliveries answered 2xx (`delivered`) or gave up (`failed`), recorded in
 * one transaction however many (group-commit.ts gathers those of concurrent jobs). The plans
 * are locked before their submissions change, as the API does, and in the order of their ids,
 * so transactions never deadlock. A status already reached changes nothing. Each plan whose
 * submissions moved has its lifecycle re-derived once, after all of them moved.
 */
export async function recordSubmissionOutcomes(
  ctx: ServiceContext,
  outcomes: readonly SubmissionOutcome[],
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const plans = await lockPlansOfSubmissions(
      trx,
      outcomes.map((o) => o.submissionId),
    );
    await recordSentAttempts(
      jobTables<Database>(trx),
      outcomes.flatMap((o) => (o.sent ? [o.sent] : [])),
    );
    const moved = await advanceSubmissions(
      trx,
      outcomes.filter((o) => plans.has(o.submissionId)).map((o) => ({ id: o.submissionId, to: o.outcome })),
      ctx.clock(),
    );
    const settle = new Map<string, { row: PlanRow; outcome: SubmissionOutcome }>();
    for (const outcome of outcomes) {
      const row = plans.get(outcome.submissionId);
      if (row && moved.has(outcome.submissionId) && !settle.has(row.id)) settle.set(row.id, { row, outcome });
    }
    if (settle.size === 0) return;
    await withPendingWrites(trx, async (pending) => {
      for (const { row, outcome } of settle.values()) {
        const by: Actor = { ...SYSTEM_ACTOR, requestId: outcome.requestId ?? null };
        await settlePlan(trx, ctx, pending, row, by, outcome.known && { current: outcome.known });
      }
    });
  });
}

/** One delivery's outcome, in a transaction of its own. */
export function recordSubmissionOutcome(ctx: ServiceContext, outcome: SubmissionOutcome): Promise<void> {
  return recordSubmissionOutcomes(ctx, [outcome]);
}
