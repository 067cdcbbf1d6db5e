import { UnrecoverableError } from 'bullmq';
import { isDatabaseUnavailable } from '../../db/availability.js';
import type { CurrentVersion } from '../../services/lifecycle.service.js';
import { renderForSystem } from '../contract/outbound-body.js';
import { usableDestination } from '../contract/send-to-destination.js';
import type { JobContext, JobPayload } from '../queues/catalogue.js';
import { findSubmissionDelivery } from '../submissions/submissions.repository.js';
import { recordSubmissionOutcome } from '../submissions/submissions.service.js';
import type { JobTools } from './job-dependencies.js';
import { storedVersion } from './plan-reads.js';

/**
 * avge: the finished plan, rendered in the receiving system's format, to the case officer's
 * system; the submission is then recorded delivered, or failed after the last attempt.
 */
export function submissionDeliverJob({ ctx, secrets, deliver }: JobTools) {
  return async (data: JobPayload<'submission.deliver'>, context: JobContext): Promise<void> => {
    const found = await findSubmissionDelivery(ctx.db, data, secrets);
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
  };
}

/** A job that failed because PostgreSQL is away runs again without spending its attempt (workers.ts). */
function isFinalAttempt(error: unknown, context: JobContext): boolean {
  if (isDatabaseUnavailable(error)) return false;
  return error instanceof UnrecoverableError || context.attemptsMade + 1 >= context.maxAttempts;
}
