import { UnrecoverableError } from 'bullmq';
import { openNeedEvaluationSummary } from '../../services/personal-fields.js';
import { throwUnlessDelivered } from '../contract/http-delivery.js';
import { jsonBody } from '../contract/outbound-body.js';
import {
  isFinalAttempt,
  postMessage,
  recordThroughOutage,
  usableDestination,
  webhookIdOf,
} from '../contract/send-to-destination.js';
import { NeedEvaluationEvent } from '../contract/webhook-events.js';
import { type DeliveryStart, recordSentAttempt } from '../deliveries/deliveries.repository.js';
import { findDestinationWithSecret } from '../destinations/destinations.repository.js';
import { findNeedEvaluation } from '../need-evaluations/need-evaluations.repository.js';
import { recordNeedEvaluationOutcome } from '../need-evaluations/need-evaluations.service.js';
import { JOBS, type JobContext, type JobPayload } from '../queues/catalogue.js';
import { type JobTools, outboundMessage } from './job-dependencies.js';

/**
 * Routine 003: the kontaktman's evaluation of a changed need, delivered (delges) to the case
 * officer's system as a small signed JSON body; recorded delivered, or failed after the last
 * attempt. Like a submission, the evaluation's own status says whether it arrived, so the
 * attempt is recorded with that status in one commit, and a retry carries the same
 * `webhook-id`. The summary is personal data: it goes into the body and nowhere else (no log).
 */
export function needEvaluationDeliverJob({ ctx, secrets, send }: JobTools) {
  return async (data: JobPayload<'need_evaluation.deliver'>, context: JobContext): Promise<void> => {
    const evaluation = await findNeedEvaluation(ctx.db, data.needEvaluationId);
    if (!evaluation) throw new UnrecoverableError('the need evaluation no longer exists');
    if (evaluation.status === 'delivered' || evaluation.status === 'acknowledged') {
      context.logger.info('the need evaluation was delivered already');
      return;
    }
    const start: DeliveryStart = {
      destinationId: data.destinationId,
      jobName: 'need_evaluation.deliver',
      jobId: context.jobId,
      planId: data.planId,
      version: data.version,
      webhookId: webhookIdOf(context.jobId),
    };
    let sent: Awaited<ReturnType<typeof postMessage>>;
    try {
      if (evaluation.summary === null) throw new UnrecoverableError('the need evaluation was pruned');
      const destination = usableDestination(
        await findDestinationWithSecret(send.db, data.destinationId, secrets),
      );
      const body = jsonBody(
        NeedEvaluationEvent.parse({
          type: JOBS['need_evaluation.deliver'].event,
          planId: evaluation.plan_id,
          version: evaluation.version,
          evaluation: {
            id: evaluation.id,
            date: evaluation.date,
            summary: openNeedEvaluationSummary(ctx.cipher, evaluation.plan_id, evaluation.summary),
            by: { name: evaluation.by_name, title: evaluation.by_title },
          },
        }),
      );
      const message = outboundMessage('need_evaluation.deliver', data, body);
      sent = await postMessage(send, context, message, destination, start.webhookId);
    } catch (error) {
      if (isFinalAttempt(error, context)) {
        await recordNeedEvaluationOutcome(ctx, data.needEvaluationId, 'failed');
      }
      throw error;
    }
    const { outcome, attempt } = sent;
    const at = ctx.clock();
    await recordThroughOutage(context, () =>
      attempt.status === 'pending'
        ? recordSentAttempt(send.db, start, attempt, at)
        : recordNeedEvaluationOutcome(ctx, data.needEvaluationId, attempt.status, { start, attempt, at }),
    );
    throwUnlessDelivered(outcome);
    context.logger.info({ needEvaluationId: data.needEvaluationId }, 'need evaluation delivered');
  };
}
