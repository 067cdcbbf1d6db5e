import { UnrecoverableError } from 'bullmq';
import type { CurrentVersion } from '../../services/lifecycle.service.js';
import { throwUnlessDelivered } from '../contract/http-delivery.js';
import { renderForSystem } from '../contract/outbound-body.js';
import {
  isFinalAttempt,
  postMessage,
  recordThroughOutage,
  usableDestination,
  webhookIdOf,
} from '../contract/send-to-destination.js';
import { type DeliveryStart, recordSentAttempt } from '../deliveries/deliveries.repository.js';
import type { JobContext, JobPayload } from '../queues/catalogue.js';
import { findSubmissionDelivery } from '../submissions/submissions.repository.js';
import { recordSubmissionOutcome } from '../submissions/submissions.service.js';
import { type JobTools, outboundMessage } from './job-dependencies.js';
import { storedVersion } from './plan-reads.js';

/**
 * avge: the finished plan, rendered in the receiving system's format, to the case officer's
 * system; the submission is then recorded delivered, or failed after the last attempt.
 *
 * The submission's own status says whether it was delivered, so nothing is written before
 * the POST, and the attempt is recorded in the same transaction as the submission's outcome,
 * which concurrent jobs' outcomes share (recordOutcome): at most one commit per delivery, and
 * the job ends only once that commit is done. A worker that dies between the POST and that commit leaves the
 * submission queued; the retry sends it again with the same `webhook-id`, which receivers
 * de-duplicate on.
 */
export function submissionDeliverJob({ ctx, secrets, send, recordOutcome }: JobTools) {
  return async (data: JobPayload<'submission.deliver'>, context: JobContext): Promise<void> => {
    const found = await findSubmissionDelivery(ctx.db, data, secrets);
    if (!found) throw new UnrecoverableError('the submission no longer exists');
    const { submission } = found;
    if (submission.status === 'delivered' || submission.status === 'acknowledged') {
      context.logger.info('the submission was delivered already');
      return;
    }
    let rendered: CurrentVersion | undefined;
    let sent: Awaited<ReturnType<typeof postMessage>>;
    const start: DeliveryStart = {
      destinationId: data.destinationId,
      jobName: 'submission.deliver',
      jobId: context.jobId,
      planId: data.planId,
      version: data.version,
      webhookId: webhookIdOf(context.jobId),
    };
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
      const message = outboundMessage('submission.deliver', data, body);
      sent = await postMessage(send, context, message, destination, start.webhookId);
    } catch (error) {
      if (isFinalAttempt(error, context)) {
        await recordSubmissionOutcome(ctx, {
          submissionId: data.submissionId,
          outcome: 'failed',
          requestId: data.requestId,
          ...(rendered && { known: rendered }),
        });
      }
      throw error;
    }
    const { outcome, attempt } = sent;
    const at = ctx.clock();
    await recordThroughOutage(context, () =>
      attempt.status === 'pending'
        ? recordSentAttempt(send.db, start, attempt, at)
        : recordOutcome({
            submissionId: data.submissionId,
            outcome: attempt.status,
            requestId: data.requestId,
            ...(rendered && { known: rendered }),
            sent: { start, attempt, at },
          }),
    );
    throwUnlessDelivered(outcome);
    context.logger.info({ submissionId: data.submissionId }, 'submission delivered');
  };
}
