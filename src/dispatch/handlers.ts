import { UnrecoverableError } from 'bullmq';
import { findSequencedChange } from '../db/repositories/plan-changes.repository.js';
import { findPlanVersion } from '../db/repositories/plans.repository.js';
import type { Database, PlanRow, PlanVersionRow } from '../db/schema.js';
import { stockholmDate } from '../domain/calendar-date.js';
import type { Plan } from '../domain/plan.js';
import { isBlank } from '../domain/text.js';
import { JOBS, type JobContext, type JobHandlers, type JobName, type JobPayload } from '../jobs/catalogue.js';
import type { DestinationSecretCodec, DestinationWithSecret } from '../jobs/destinations.repository.js';
import { jobTables } from '../jobs/outbox.repository.js';
import { type SendDependencies, sendToDestination, usableDestination } from '../jobs/send-to-destination.js';
import type { ServiceContext } from '../services/context.js';
import {
  type CurrentVersion,
  currentVersion,
  decodeVersion,
  loadLifecycle,
} from '../services/lifecycle.service.js';
import { scanOverdue } from '../services/overdue.service.js';
import { jsonBody, type OutboundBody, renderForSystem } from './outbound.js';
import { findSubmissionDelivery } from './submissions.repository.js';
import { recordSubmissionOutcome } from './submissions.service.js';

export interface HandlerDependencies {
  ctx: ServiceContext;
  secrets: DestinationSecretCodec;
  fetch: typeof globalThis.fetch;
  deliveryTimeoutMs: number;
}

type SignOffPayload = JobPayload<'signoff.request'>;

/**
 * The work behind every job. Payloads carry ids only: each handler reads the plan, the
 * destination and the lifecycle from PostgreSQL as they are now, so a job that ran late
 * sends what is true, or nothing when it no longer applies.
 */
export function createJobHandlers(deps: HandlerDependencies): JobHandlers {
  const { ctx } = deps;
  const send: SendDependencies = {
    db: jobTables<Database>(ctx.db),
    secrets: deps.secrets,
    fetch: deps.fetch,
    clock: ctx.clock,
    timeoutMs: deps.deliveryTimeoutMs,
  };
  const deliver = (
    name: JobName,
    context: JobContext,
    about: { planId: string; version: number; destinationId: string },
    body: OutboundBody,
    destination?: DestinationWithSecret,
  ) =>
    sendToDestination(
      send,
      context,
      {
        jobName: name,
        destinationId: about.destinationId,
        event: JOBS[name].event ?? name,
        planId: about.planId,
        version: about.version,
        ...body,
      },
      destination,
    );

  const signOff =
    (name: 'signoff.request' | 'signoff.remind') => async (data: SignOffPayload, context: JobContext) => {
      const still = await outstandingSignOff(ctx, data);
      if (!still) {
        context.logger.info({ role: data.role }, 'the signature is no longer outstanding; nothing sent');
        return;
      }
      await deliver(
        name,
        context,
        data,
        jsonBody({
          type: JOBS[name].event,
          planId: data.planId,
          version: data.version,
          role: data.role,
          unitId: still.unitId,
          dueBy: still.dueBy ?? null,
        }),
      );
    };

  return {
    'submission.deliver': async (data, context) => {
      const found = await findSubmissionDelivery(ctx.db, data, deps.secrets);
      if (!found) throw new UnrecoverableError('the submission no longer exists');
      const { submission } = found;
      if (submission.status === 'delivered' || submission.status === 'acknowledged') {
        context.logger.info('the submission was delivered already');
        return;
      }
      let rendered: CurrentVersion | undefined;
      try {
        const destination = usableDestination(found.destination);
        const version = storedVersion(ctx, data.planId, found.version);
        // Reused for the lifecycle only when it is the submission's own version.
        if (submission.plan_id === data.planId && submission.version === data.version) rendered = version;
        const body = renderForSystem(destination.system, version.plan, {
          planId: data.planId,
          version: data.version,
          documentId: data.submissionId,
          now: ctx.clock(),
        });
        await deliver('submission.deliver', context, data, body, destination);
      } catch (error) {
        if (isFinalAttempt(error, context)) {
          await recordSubmissionOutcome(ctx, data.submissionId, 'failed', data.requestId, rendered);
        }
        throw error;
      }
      await recordSubmissionOutcome(ctx, data.submissionId, 'delivered', data.requestId, rendered);
      context.logger.info({ submissionId: data.submissionId }, 'submission delivered');
    },
    'signoff.request': signOff('signoff.request'),
    'signoff.remind': signOff('signoff.remind'),
    'planner.notify': async (data, context) => {
      const plan = await planVersion(ctx, data.planId, data.version);
      const text = plan.plannerNotification;
      if (text === undefined || isBlank(text)) {
        context.logger.info('the version has no planner notification; nothing sent');
        return;
      }
      // Content meant for the planner (hemtjänstplanerare): how the interventions are to be linked.
      await deliver(
        'planner.notify',
        context,
        data,
        jsonBody({
          type: JOBS['planner.notify'].event,
          planId: data.planId,
          version: data.version,
          sourcePlanId: plan.plan.sourcePlanId,
          unitId: plan.plan.unit.id,
          serviceType: plan.plan.serviceType.code,
          plannerNotification: text,
          interventions: plan.interventions.map((i) => ({
            decisionId: i.decisionId,
            name: i.name,
            scope: i.scope,
            when: i.when,
          })),
        }),
      );
    },
    'status.writeback': async (data, context) => {
      const row = await planRow(ctx, data.planId);
      // Numbered first if need be, so the receiver can order write-backs as the change feed does.
      const change = await findSequencedChange(ctx.db, data.planId, data.changeId);
      if (!change?.seq) throw new UnrecoverableError('the change to write back no longer exists');
      await deliver(
        'status.writeback',
        context,
        data,
        jsonBody({
          type: JOBS['status.writeback'].event,
          planId: data.planId,
          sourceSystem: row.source_system,
          sourcePlanId: row.source_plan_id,
          version: data.version,
          event: change.kind === 'version_created' ? 'updated' : change.status,
          status: change.status,
          at: change.at.toISOString(),
          changeSeq: change.seq,
        }),
      );
    },
    'overdue.scan': async (_data, context) => {
      const report = await scanOverdue(ctx);
      context.logger.info(report, 'overdue scan done');
    },
  };
}

function isFinalAttempt(error: unknown, context: JobContext): boolean {
  return error instanceof UnrecoverableError || context.attemptsMade + 1 >= context.maxAttempts;
}

async function planRow(ctx: ServiceContext, id: string): Promise<PlanRow> {
  const row = await ctx.db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new UnrecoverableError('the plan no longer exists');
  return row;
}

/** One version's content, read from PostgreSQL (never from the job). */
async function planVersion(ctx: ServiceContext, planId: string, version: number): Promise<Plan> {
  return storedVersion(ctx, planId, await findPlanVersion(ctx.db, planId, version)).plan;
}

/** A version a job needs, decoded; one that no longer exists fails the job for good. */
function storedVersion(
  ctx: ServiceContext,
  planId: string,
  stored: Pick<PlanVersionRow, 'version' | 'document' | 'content_hash'> | undefined,
): CurrentVersion {
  if (!stored) throw new UnrecoverableError('the plan version no longer exists');
  // Retention never prunes a version with a delivery under way; an erased one is gone for good.
  const { document } = stored;
  if (document === null) throw new UnrecoverableError("the plan version's content was pruned");
  return decodeVersion(ctx, planId, { ...stored, document, pruned_at: null, prune_reason: null });
}

/** The role still has to sign this version, which is still current: its unit and due date; else undefined. */
async function outstandingSignOff(
  ctx: ServiceContext,
  data: SignOffPayload,
): Promise<{ unitId: string; dueBy: string | undefined } | undefined> {
  const row = await ctx.db.selectFrom('plans').selectAll().where('id', '=', data.planId).executeTakeFirst();
  // An ended plan's follow-ups stop.
  if (!row || row.current_version !== data.version || row.status === 'ended') return undefined;
  const current = await currentVersion(ctx.db, ctx, row);
  const { assessment } = await loadLifecycle(ctx.db, ctx, row, current, stockholmDate(ctx.clock()));
  const { lifecycle, deadlines } = assessment;
  if (lifecycle.state !== 'established' && lifecycle.state !== 'communicated') return undefined;
  if (!lifecycle.signatures.outstanding.includes(data.role)) return undefined;
  return { unitId: row.unit_id, dueBy: deadlines.signaturesDueBy };
}
