/**
 * What dispatch does inside the transaction of a lifecycle change: sign-off requests and
 * their reminders, the planner's notification, status write-backs, and the automatic
 * submission (avgivande) of the `lss` policy. Everything goes to the outbox with the writes of
 * the change that causes it (PendingWrites), so it commits or rolls back with that change.
 */
import type { Tx } from '../../db/database.js';
import type { SubmissionRow } from '../../db/lifecycle-schema.js';
import type { PendingWrites } from '../../db/pending-writes.js';
import type { NewPlanChange } from '../../db/repositories/plan-changes.repository.js';
import type { Database, PlanRow } from '../../db/schema.js';
import { maskIdentityNumbers } from '../../domain/identity-number.js';
import type { ServiceContext } from '../../services/context.js';
import {
  type Actor,
  type CurrentVersion,
  type KnownLifecycle,
  type LifecycleSnapshot,
  reassessPlan,
} from '../../services/lifecycle.service.js';
import { type Destination, listActiveDestinations } from '../destinations/destinations.repository.js';
import { jobsInsert } from '../outbox/outbox.js';
import { jobTables } from '../outbox/outbox.repository.js';
import type { Job } from '../queues/catalogue.js';
import type { DestinationKind } from '../schema.js';
import { planSubmissions, type SubmitMode } from './submission-targets.js';
import { newSubmissionRows, submissionsInsert } from './submissions.repository.js';

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
  /** The change-feed rows the caller has just appended to `pending`, in order. */
  changes: readonly NewPlanChange[];
  /** The lifecycle of the row's current version as the change left it. */
  snapshot: LifecycleSnapshot;
  requestId: string | null;
  /** The organisation's active destinations, when the caller has read them in this transaction. */
  destinations?: readonly Destination[];
}

/**
 * Call after appending a lifecycle change's feed rows, in the same transaction. Queues what
 * the change calls for, from the lifecycle the change left.
 */
export async function dispatchAfterChanges(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  params: AfterChanges,
): Promise<void> {
  const { row, changes, snapshot } = params;
  if (changes.length === 0 || row.current_version === 0) return;
  if (snapshot.current.version !== row.current_version) {
    throw new Error('dispatch was given the lifecycle of another version than the current one');
  }
  const requestId = jobRequestId(params.requestId);
  const reached = new Set(
    changes.flatMap((c) => (c.kind === 'status_changed' && c.detail?.to ? [c.detail.to] : [])),
  );
  const newVersion = changes.some((c) => c.kind === 'plan_created' || c.kind === 'version_created');
  // Only a new version or reaching established, communicated or signed calls for anything; a
  // submission's own moves (submitted, acknowledged) and overdue events do not.
  if (!newVersion && !['established', 'communicated', 'signed'].some((state) => reached.has(state))) return;
  const now = ctx.clock();
  const { lifecycle } = snapshot.assessment;
  const outstanding = lifecycle.signatures.outstanding;
  // A version needs signatures when it first reaches established, or arrives as a new version there.
  const requestsSignatures =
    NEEDS_SIGNATURES.has(lifecycle.state) &&
    outstanding.length > 0 &&
    (newVersion || reached.has('established'));
  const notifiesPlanner = reached.has('established') && lifecycle.plannerNotification === 'present';
  const writeBacks =
    newVersion || reached.has('established') || reached.has('communicated')
      ? changes.filter(isWrittenBack)
      : [];
  const needed = new Set<DestinationKind>();
  if (requestsSignatures) needed.add('signoff');
  if (notifiesPlanner) needed.add('planner');
  if (writeBacks.length > 0) needed.add('status');
  if (lifecycle.submissionDue) needed.add('submission');
  // One read for every kind the change calls for, unless the caller has read them all.
  const destinations =
    needed.size === 0
      ? []
      : (params.destinations?.filter((d) => needed.has(d.kind)) ??
        (await listActiveDestinations(jobTables<Database>(trx), row.organisation, [...needed])));
  const ofKind = (kind: DestinationKind) => destinations.filter((d) => d.kind === kind);

  const base = { planId: row.id, version: snapshot.current.version, requestId };
  const jobs: Job[] = [];
  const reminders: Job[] = [];
  if (requestsSignatures) {
    for (const destination of ofKind('signoff')) {
      for (const role of outstanding) {
        const data = { ...base, destinationId: destination.id, role };
        jobs.push({ name: 'signoff.request', data });
        reminders.push({ name: 'signoff.remind', data });
      }
    }
  }
  if (notifiesPlanner) {
    for (const destination of ofKind('planner')) {
      jobs.push({ name: 'planner.notify', data: { ...base, destinationId: destination.id } });
    }
  }
  const writeBackTo = ofKind('status').filter((d) => d.system === row.source_system);
  // A write-back job names its change by id, which the change gets once it is written.
  const changeIds = writeBackTo.length > 0 ? await pending.changeIds(trx, writeBacks) : [];
  for (const destination of writeBackTo) {
    for (const changeId of changeIds) {
      jobs.push({ name: 'status.writeback', data: { ...base, destinationId: destination.id, changeId } });
    }
  }
  pending.add(jobsInsert(jobs));
  if (reminders.length > 0) {
    const availableAt = reminderTime(now, snapshot.resolved.policy.signOffReminderAfterDays);
    pending.add(jobsInsert(reminders, { availableAt }));
  }
  if (lifecycle.submissionDue) {
    await createSubmissions(
      trx,
      ctx,
      pending,
      row,
      snapshot,
      { actor: 'system', requestId: requestId ?? null },
      { destinations: ofKind('submission') },
    );
  }
}

// The policy's days after the request, not after the established date: a plan pushed late
// would otherwise get its reminder together with the request.
function reminderTime(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** A change a source system is told about: a new version (updated), established, communicated. */
function isWrittenBack(change: NewPlanChange): boolean {
  return (
    change.kind === 'version_created' ||
    (change.kind === 'status_changed' && WRITTEN_BACK.has(change.detail?.to ?? ''))
  );
}

/** The submissions a submit leaves standing for the version, and which of them it created. */
export interface SubmitResult {
  submissions: SubmissionRow[];
  created: SubmissionRow[];
}

/**
 * Submits the current version: one submission per submission destination, each with its
 * delivery job; or, with none configured, one in the organisation's pull inbox, which counts
 * as delivered at once (the inbox is the receiver's mailbox). A destination that already has
 * a live submission of the version keeps it and gets nothing new, unless the mode is
 * `resend` (planSubmissions). The lifecycle is then brought up to date in the same
 * transaction. `destinations`: the active submission destinations, when the caller has just
 * read them.
 */
export async function createSubmissions(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  row: PlanRow,
  snapshot: LifecycleSnapshot,
  by: Actor,
  options: { mode?: SubmitMode; destinations?: readonly Destination[] } = {},
): Promise<SubmitResult> {
  const now = ctx.clock();
  const destinations =
    options.destinations ??
    (await listActiveDestinations(jobTables<Database>(trx), row.organisation, ['submission']));
  const { current } = snapshot;
  const targets = destinations.length === 0 ? [null] : destinations.map((d) => d.id);
  const plan = planSubmissions(targets, snapshot.submissions, current, options.mode ?? 'submit');
  if (plan.create.length === 0) return { submissions: plan.existing, created: [] };
  const common = { planId: row.id, version: current.version, contentHash: current.contentHash, now };
  const submissions = newSubmissionRows(
    plan.create.map((destinationId) =>
      destinationId === null
        ? { ...common, destinationId, status: 'delivered' as const }
        : { ...common, destinationId, status: 'queued' as const },
    ),
  );
  pending.add(submissionsInsert(submissions));
  const requestId = jobRequestId(by.requestId);
  pending.add(
    jobsInsert(
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
    ),
  );
  const { signatures, resolved, overdue, reviews, cooperation } = snapshot;
  await settlePlan(trx, ctx, pending, row, by, {
    current,
    known: {
      signatures,
      resolved,
      overdue,
      reviews,
      cooperation,
      submissions: [...snapshot.submissions, ...submissions],
    },
  });
  return { submissions: [...plan.existing, ...submissions], created: submissions };
}

/**
 * Re-derives a locked plan's lifecycle after a submission or signature changed, appends the
 * change-feed rows and dispatches what they call for. `known` spares reading again what the
 * caller holds (see reassessPlan).
 */
export async function settlePlan(
  trx: Tx,
  ctx: ServiceContext,
  pending: PendingWrites,
  row: PlanRow,
  by: Actor,
  known: { current?: CurrentVersion; known?: KnownLifecycle } = {},
): Promise<PlanRow> {
  // An ended plan stays ended whatever happens to its deliveries: only a new version reopens it.
  if (row.status === 'ended') return row;
  const { row: updated, changes, snapshot } = await reassessPlan(trx, ctx, pending, row, by, known);
  pending.appendChanges(changes);
  await dispatchAfterChanges(trx, ctx, pending, {
    row: updated,
    changes,
    snapshot,
    requestId: by.requestId,
  });
  return updated;
}
