/**
 * What dispatch does inside the transaction of a lifecycle change: sign-off requests and
 * their reminders, the planner's notification, status write-backs, and the automatic
 * submission (avgivande) of the `lss` policy. Everything is written to the outbox in the
 * caller's transaction, so it commits or rolls back with the change that causes it.
 */
import type { Tx } from '../db/database.js';
import type { SubmissionRow } from '../db/lifecycle-schema.js';
import { appendPlanChanges, type NewPlanChange } from '../db/repositories/plan-changes.repository.js';
import type { Database, PlanRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Job } from '../jobs/catalogue.js';
import { listActiveDestinations } from '../jobs/destinations.repository.js';
import { enqueue } from '../jobs/outbox.js';
import { jobTables } from '../jobs/outbox.repository.js';
import { maskIdentityNumbers } from '../logger.js';
import type { ServiceContext } from '../services/context.js';
import {
  type Actor,
  type CurrentVersion,
  currentVersion,
  loadLifecycle,
  reassessPlan,
} from '../services/lifecycle.service.js';
import { insertSubmissions } from './submissions.repository.js';

/** States whose change is written back to the source system; `updated` is a new version. */
const WRITTEN_BACK = new Set(['established', 'communicated']);
const NEEDS_SIGNATURES = new Set(['established', 'communicated']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request id as a job may carry it, or none. A random UUID now and then holds a run of ten
 * digits that reads like an identity number; the catalogue refuses those, so they are left out.
 */
export function jobRequestId(requestId: string | null | undefined): string | undefined {
  if (!requestId || !REQUEST_ID.test(requestId)) return undefined;
  return maskIdentityNumbers(requestId) === requestId ? requestId : undefined;
}

export interface AfterChanges {
  /** The plan row as it stands after the change, locked by the caller's transaction. */
  row: PlanRow;
  /** The change-feed rows the caller has just appended in this transaction, in order. */
  appended: readonly NewPlanChange[];
  requestId: string | null;
}

/**
 * Call after appending a lifecycle change's feed rows, in the same transaction. Reads the
 * lifecycle of the current version and queues what the change calls for.
 */
export async function dispatchAfterChanges(
  trx: Tx,
  ctx: ServiceContext,
  params: AfterChanges,
): Promise<void> {
  const { row, appended } = params;
  if (appended.length === 0 || row.current_version === 0) return;
  const requestId = jobRequestId(params.requestId);
  const reached = new Set(
    appended.flatMap((c) => (c.kind === 'status_changed' && c.detail?.to ? [c.detail.to] : [])),
  );
  const newVersion = appended.some((c) => c.kind === 'plan_created' || c.kind === 'version_created');
  // Only a new version or reaching established, communicated or signed calls for anything; a
  // submission's own moves (submitted, acknowledged) and overdue events do not. Skipping the
  // rest keeps the change feed's per-organisation lock short for the worker's many settles.
  if (!newVersion && !['established', 'communicated', 'signed'].some((state) => reached.has(state))) return;
  const now = ctx.clock();
  const current = await currentVersion(trx, ctx, row);
  const { assessment, resolved } = await loadLifecycle(trx, ctx, row, current, stockholmDate(now));
  const { lifecycle } = assessment;
  const base = { planId: row.id, version: current.version, requestId };
  const destinations = (kind: 'signoff' | 'planner' | 'status') =>
    listActiveDestinations(jobTables<Database>(trx), row.organisation, kind);

  const jobs: Job[] = [];
  const reminders: Job[] = [];
  const outstanding = lifecycle.signatures.outstanding;
  // A version needs signatures when it first reaches established, or arrives as a new version there.
  if (
    NEEDS_SIGNATURES.has(lifecycle.state) &&
    outstanding.length > 0 &&
    (newVersion || reached.has('established'))
  ) {
    for (const destination of await destinations('signoff')) {
      for (const role of outstanding) {
        const data = { ...base, destinationId: destination.id, role };
        jobs.push({ name: 'signoff.request', data });
        reminders.push({ name: 'signoff.remind', data });
      }
    }
  }
  if (reached.has('established') && lifecycle.plannerNotification === 'present') {
    for (const destination of await destinations('planner')) {
      jobs.push({ name: 'planner.notify', data: { ...base, destinationId: destination.id } });
    }
  }
  const writeBacks =
    newVersion || reached.has('established') || reached.has('communicated')
      ? await writtenBackChanges(trx, row.id, appended.length)
      : [];
  if (writeBacks.length > 0) {
    const ofSource = (await destinations('status')).filter((d) => d.system === row.source_system);
    for (const destination of ofSource) {
      for (const seq of writeBacks) {
        jobs.push({
          name: 'status.writeback',
          data: { ...base, destinationId: destination.id, changeSeq: seq },
        });
      }
    }
  }
  await enqueue(trx, jobs);
  if (reminders.length > 0) {
    await enqueue(trx, reminders, {
      availableAt: reminderTime(now, resolved.policy.signOffReminderAfterDays),
    });
  }
  if (lifecycle.submissionDue) {
    await createSubmissions(trx, ctx, row, current, { actor: 'system', requestId: requestId ?? null });
  }
}

// The policy's days after the request, not after the established date: a plan pushed late
// would otherwise get its reminder together with the request.
function reminderTime(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** The `seq` of the just-appended rows that a source system is told about: established, communicated, updated. */
async function writtenBackChanges(trx: Tx, planId: string, appendedCount: number): Promise<string[]> {
  // The plan row is locked, so this transaction's rows are the plan's latest.
  const rows = await trx
    .selectFrom('plan_changes')
    .select(['seq', 'kind', 'detail'])
    .where('plan_id', '=', planId)
    .orderBy('seq', 'desc')
    .limit(appendedCount)
    .execute();
  return rows
    .reverse()
    .filter(
      (c) =>
        c.kind === 'version_created' || (c.kind === 'status_changed' && WRITTEN_BACK.has(c.detail?.to ?? '')),
    )
    .map((c) => c.seq);
}

/**
 * Submits the current version: one submission per submission destination, each with its
 * delivery job; or, with none configured, one in the organisation's pull inbox, which counts
 * as delivered at once (the inbox is the receiver's mailbox). The lifecycle is then brought
 * up to date in the same transaction.
 */
export async function createSubmissions(
  trx: Tx,
  ctx: ServiceContext,
  row: PlanRow,
  current: CurrentVersion,
  by: Actor,
): Promise<SubmissionRow[]> {
  const now = ctx.clock();
  const destinations = await listActiveDestinations(jobTables<Database>(trx), row.organisation, 'submission');
  const common = { planId: row.id, version: current.version, contentHash: current.contentHash, now };
  const submissions =
    destinations.length === 0
      ? await insertSubmissions(trx, [{ ...common, destinationId: null, status: 'delivered' }])
      : await insertSubmissions(
          trx,
          destinations.map((d) => ({ ...common, destinationId: d.id, status: 'queued' as const })),
        );
  const requestId = jobRequestId(by.requestId);
  await enqueue(
    trx,
    submissions.flatMap((s): Job[] =>
      s.destination_id === null
        ? []
        : [
            {
              name: 'submission.deliver',
              data: {
                submissionId: s.id,
                planId: row.id,
                version: current.version,
                destinationId: s.destination_id,
                requestId,
              },
            },
          ],
    ),
  );
  await settlePlan(trx, ctx, row, by, current);
  return submissions;
}

/**
 * Re-derives a locked plan's lifecycle after a submission changed, appends the change-feed
 * rows and dispatches what they call for. `known` spares re-reading a version the caller holds.
 */
export async function settlePlan(
  trx: Tx,
  ctx: ServiceContext,
  row: PlanRow,
  by: Actor,
  known?: CurrentVersion,
): Promise<PlanRow> {
  const { row: updated, changes } = await reassessPlan(trx, ctx, row, by, undefined, known);
  await appendPlanChanges(trx, changes);
  await dispatchAfterChanges(trx, ctx, { row: updated, appended: changes, requestId: by.requestId });
  return updated;
}
