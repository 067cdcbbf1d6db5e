import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/database.js';
import type { NeedEvaluationRow } from '../../db/lifecycle-schema.js';
import { withPendingWrites } from '../../db/pending-writes.js';
import { lockOwnPlan } from '../../db/repositories/lifecycle.repository.js';
import type { NewPlanChange } from '../../db/repositories/plan-changes.repository.js';
import { findPlan } from '../../db/repositories/plans.repository.js';
import type { Database, PlanRow } from '../../db/schema.js';
import { stockholmDate } from '../../domain/calendar-date.js';
import {
  initialStatus,
  type NeedEvaluation,
  needEvaluationDateIssues,
  needEvaluationTargets,
} from '../../domain/lifecycle/need-evaluations.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { conflict, invalidRequest, notFound } from '../../services/errors.js';
import { storedState } from '../../services/lifecycle.service.js';
import { openNeedEvaluationSummary, sealNeedEvaluationSummary } from '../../services/personal-fields.js';
import {
  type DeliveryAttempt,
  type DeliveryStart,
  recordSentAttempt,
} from '../deliveries/deliveries.repository.js';
import { listActiveDestinations } from '../destinations/destinations.repository.js';
import { enqueue } from '../outbox/outbox.js';
import { jobTables } from '../outbox/outbox.repository.js';
import { jobRequestId } from '../submissions/dispatch-effects.js';
import {
  advanceNeedEvaluation,
  findNeedEvaluation,
  findOwnNeedEvaluation,
  insertNeedEvaluations,
  listInboxNeedEvaluations,
  listNeedEvaluations,
  lockPlanOfNeedEvaluation,
  type StoredNeedEvaluation,
} from './need-evaluations.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One delivery of a need evaluation as the API shows it; the summary only where asked for. */
export interface NeedEvaluationView {
  id: string;
  planId: string;
  version: number;
  date: string;
  by: { name: string; title: string };
  /** `webhook` to a submission destination, `inbox` for receivers that pull. */
  via: 'webhook' | 'inbox';
  status: StoredNeedEvaluation['status'];
  createdAt: Date;
  deliveredAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export function needEvaluationView(row: StoredNeedEvaluation): NeedEvaluationView {
  return {
    id: row.id,
    planId: row.plan_id,
    version: row.version,
    date: row.date,
    by: { name: row.by_name, title: row.by_title },
    via: row.destination_id === null ? 'inbox' : 'webhook',
    status: row.status,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

/** With its summary opened: null once it was pruned with the plan's content. */
export type NeedEvaluationWithSummary = NeedEvaluationView & { summary: string | null };

function withSummary(ctx: ServiceContext, row: StoredNeedEvaluation): NeedEvaluationWithSummary {
  return {
    ...needEvaluationView(row),
    summary: row.summary === null ? null : openNeedEvaluationSummary(ctx.cipher, row.plan_id, row.summary),
  };
}

/**
 * Routine 003: the kontaktman's evaluation of a changed need, delivered to the case officer
 * (delges LSS-handläggare) before a new needs assessment. One row per active submission
 * destination, each with its delivery job, or one in the pull inbox; in the change feed
 * (`need_evaluation_recorded`). One transaction, under the plan's lock. Refused for an ended
 * plan (409) and for a date after today (422).
 */
export async function recordNeedEvaluation(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
  evaluation: NeedEvaluation,
  requestId: string,
): Promise<NeedEvaluationView[]> {
  if (!UUID.test(planId)) throw notFound('The plan');
  const now = ctx.clock();
  const issues = needEvaluationDateIssues(evaluation.date, stockholmDate(now));
  if (issues.length > 0) throw invalidRequest(issues, 'The need evaluation is not valid');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, planId);
    if (!row || row.current_version === 0) throw notFound('The plan');
    if (row.status === 'ended') throw conflict('The plan has ended; a new version reopens it');
    const destinations = await listActiveDestinations(jobTables<Database>(trx), row.organisation, [
      'submission',
    ]);
    const summary = sealNeedEvaluationSummary(ctx.cipher, row.id, evaluation.summary);
    const rows: NeedEvaluationRow[] = needEvaluationTargets(destinations.map((d) => d.id)).map((target) => {
      const status = initialStatus(target);
      return {
        id: randomUUID(),
        plan_id: row.id,
        version: row.current_version,
        date: evaluation.date,
        summary,
        by_name: evaluation.by.name,
        by_title: evaluation.by.title,
        destination_id: target,
        status,
        created_at: now,
        delivered_at: status === 'delivered' ? now : null,
        acknowledged_at: null,
        acknowledged_by: null,
        recorded_by: caller.clientId,
        pruned_at: null,
      };
    });
    await insertNeedEvaluations(trx, rows);
    const jobRequest = jobRequestId(requestId);
    await enqueue(
      trx,
      rows.flatMap((r) =>
        r.destination_id === null
          ? []
          : [
              {
                name: 'need_evaluation.deliver' as const,
                data: {
                  needEvaluationId: r.id,
                  planId: r.plan_id,
                  version: r.version,
                  destinationId: r.destination_id,
                  requestId: jobRequest,
                },
              },
            ],
      ),
    );
    await withPendingWrites(trx, async (pending) => {
      pending.appendChanges(rows.map((r) => needEvaluationChange(row, r, 'need_evaluation_recorded', now)));
    });
    return rows.map(needEvaluationView);
  });
}

/** Every need evaluation of one of the caller's plans, oldest first, with its summary. */
export async function needEvaluationsOf(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
): Promise<{ planId: string; needEvaluations: NeedEvaluationWithSummary[] }> {
  if (!UUID.test(planId)) throw notFound('The plan');
  const row = await findPlan(ctx.db, caller.organisation, planId);
  if (!row) throw notFound('The plan');
  const rows = await listNeedEvaluations(ctx.db, row.id);
  return { planId: row.id, needEvaluations: rows.map((r) => withSummary(ctx, r)) };
}

/** The organisation's need evaluations waiting in the pull inbox, oldest first, with their summaries. */
export async function inboxNeedEvaluations(
  ctx: ServiceContext,
  caller: Caller,
  options: { after?: { createdAt: Date; id: string }; limit: number },
): Promise<NeedEvaluationWithSummary[]> {
  const rows = await listInboxNeedEvaluations(ctx.db, caller.organisation, options);
  return rows.map((r) => withSummary(ctx, r));
}

/**
 * The case officer's system confirms it has the evaluation (a receipt after a webhook, or an
 * ack of one taken from the inbox). Repeating it changes nothing; a failed one cannot be confirmed.
 */
export async function acknowledgeNeedEvaluation(
  ctx: ServiceContext,
  caller: Caller,
  planId: string,
  id: string,
): Promise<NeedEvaluationView> {
  if (!UUID.test(planId) || !UUID.test(id)) throw notFound('The need evaluation');
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockOwnPlan(trx, caller.organisation, planId);
    const found = row && (await findOwnNeedEvaluation(trx, caller.organisation, row.id, id));
    if (!row || !found) throw notFound('The need evaluation');
    if (found.status === 'acknowledged') return needEvaluationView(found);
    if (found.status === 'failed')
      throw conflict('The need evaluation failed to be delivered; it cannot be acknowledged');
    const now = ctx.clock();
    await advanceNeedEvaluation(trx, found.id, 'acknowledged', now, { clientId: caller.clientId });
    await appendNeedEvaluationChange(trx, row, found, 'need_evaluation_acknowledged', now);
    return needEvaluationView((await findNeedEvaluation(trx, found.id)) ?? found);
  });
}

/**
 * The worker's side: the delivery answered 2xx (`delivered`) or gave up (`failed`), recorded
 * with the attempt that decided it, in one transaction under the plan's lock (the API's order).
 * A status already reached changes nothing.
 */
export async function recordNeedEvaluationOutcome(
  ctx: ServiceContext,
  id: string,
  outcome: 'delivered' | 'failed',
  sent?: { start: DeliveryStart; attempt: DeliveryAttempt; at: Date },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    if (sent) await recordSentAttempt(jobTables<Database>(trx), sent.start, sent.attempt, sent.at);
    const row = await lockPlanOfNeedEvaluation(trx, id);
    if (!row) return;
    const now = ctx.clock();
    if (!(await advanceNeedEvaluation(trx, id, outcome, now))) return;
    const evaluation = await findNeedEvaluation(trx, id);
    if (!evaluation) return;
    await appendNeedEvaluationChange(trx, row, evaluation, `need_evaluation_${outcome}`, now);
  });
}

type NeedEvaluationChangeKind =
  | 'need_evaluation_recorded'
  | 'need_evaluation_delivered'
  | 'need_evaluation_failed'
  | 'need_evaluation_acknowledged';

/** A change-feed row about one delivery of an evaluation: its id, date and route, never its summary. */
function needEvaluationChange(
  row: PlanRow,
  evaluation: Pick<StoredNeedEvaluation, 'id' | 'date' | 'destination_id' | 'version'>,
  kind: NeedEvaluationChangeKind,
  at: Date,
): NewPlanChange {
  return {
    planId: row.id,
    organisation: row.organisation,
    version: evaluation.version,
    kind,
    status: storedState(row.status),
    at,
    detail: {
      id: evaluation.id,
      date: evaluation.date,
      via: evaluation.destination_id === null ? 'inbox' : 'webhook',
    },
  };
}

async function appendNeedEvaluationChange(
  trx: Tx,
  row: PlanRow,
  evaluation: StoredNeedEvaluation,
  kind: NeedEvaluationChangeKind,
  at: Date,
): Promise<void> {
  await withPendingWrites(trx, async (pending) => {
    pending.appendChanges([needEvaluationChange(row, evaluation, kind, at)]);
  });
}
