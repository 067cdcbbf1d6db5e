import { UnrecoverableError } from 'bullmq';
import { retryWhileUnavailable } from '../../db/availability.js';
import {
  type DeliveryAttempt,
  recordDeliveryAttempt,
  startDelivery,
} from '../deliveries/deliveries.repository.js';
import {
  type DestinationSecretCodec,
  type DestinationWithSecret,
  findDestinationWithSecret,
} from '../destinations/destinations.repository.js';
import type { JobsExecutor } from '../outbox/outbox.repository.js';
import type { JobContext } from '../queues/catalogue.js';
import { type DeliveryDependencies, deliver, throwUnlessDelivered } from './http-delivery.js';

export interface SendDependencies extends DeliveryDependencies {
  db: JobsExecutor;
  secrets: DestinationSecretCodec;
  timeoutMs: number;
}

/** How long a sent delivery's record waits for PostgreSQL to come back (a restart or failover takes seconds). */
const RECORD_WAIT_MS = 60_000;

/** What one job sends to one destination. */
export interface OutboundMessage {
  jobName: string;
  destinationId: string;
  /** The `planbrygga-event` header. */
  event: string;
  planId: string | null;
  version: number | null;
  /** The submission a delivery carries (`planbrygga-submission-id`), for the receiver's receipt. */
  submissionId?: string;
  /** The document in the destination system's format, or a small JSON body. */
  body: Uint8Array | string;
  contentType: string;
}

/**
 * The part every delivery job shares: look up the destination, keep the delivery row,
 * send the signed POST, record the attempt, and tell BullMQ whether to retry. A job whose
 * delivery already succeeded (a duplicate, or a rerun after a crash) sends nothing again.
 */
export async function sendToDestination(
  deps: SendDependencies,
  context: JobContext,
  message: OutboundMessage,
  /** The destination when the caller has already loaded it (to render for its system). */
  loaded?: DestinationWithSecret,
): Promise<void> {
  const destination =
    loaded ??
    usableDestination(await findDestinationWithSecret(deps.db, message.destinationId, deps.secrets));
  const delivery = await startDelivery(
    deps.db,
    {
      destinationId: destination.id,
      jobName: message.jobName,
      jobId: context.jobId,
      planId: message.planId,
      version: message.version,
      webhookId: webhookIdOf(context.jobId),
    },
    deps.clock(),
  );
  if (delivery.status === 'delivered') {
    context.logger.info('already delivered; not sending again');
    return;
  }

  const outcome = await deliver(
    {
      url: destination.url,
      body: message.body,
      contentType: message.contentType,
      webhookId: delivery.webhook_id,
      secret: destination.secret,
      headers: {
        'planbrygga-event': message.event,
        ...(message.planId ? { 'planbrygga-plan-id': message.planId } : {}),
        ...(message.version ? { 'planbrygga-plan-version': String(message.version) } : {}),
        ...(message.submissionId ? { 'planbrygga-submission-id': message.submissionId } : {}),
      },
      timeoutMs: deps.timeoutMs,
      signal: context.signal,
    },
    deps,
  );
  const lastAttempt = context.attemptsMade + 1 >= context.maxAttempts;
  const status =
    outcome.kind === 'delivered'
      ? 'delivered'
      : outcome.kind === 'failed' || lastAttempt
        ? 'failed'
        : 'pending';
  const attempt: DeliveryAttempt = {
    status,
    statusCode: outcome.status,
    error: outcome.kind === 'delivered' ? null : outcome.reason,
  };
  const at = deps.clock();
  // The receiver has it now: an outage of PostgreSQL must not make a rerun send it again.
  await retryWhileUnavailable(() => recordDeliveryAttempt(deps.db, context.jobId, attempt, at), {
    maxWaitMs: RECORD_WAIT_MS,
    signal: context.signal,
  });
  throwUnlessDelivered(outcome);
}

/** A destination a job may send to; a missing or disabled one fails the job for good. */
export function usableDestination(destination: DestinationWithSecret | undefined): DestinationWithSecret {
  if (!destination || destination.disabledAt) {
    throw new UnrecoverableError('destination no longer exists or is disabled');
  }
  return destination;
}

/**
 * The Standard Webhooks message id of a job: its id, which is its outbox row's webhook id, so
 * every retry carries the same one. A job relayed before webhook ids were stored
 * (`<kind>-<row id>`) keeps the id it was given then.
 */
export function webhookIdOf(jobId: string): string {
  return jobId.startsWith('msg_') ? jobId : `msg_${jobId}`;
}
