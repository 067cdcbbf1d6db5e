import { UnrecoverableError } from 'bullmq';
import { isDatabaseUnavailable, retryWhileUnavailable } from '../../db/availability.js';
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
import {
  type DeliveryDependencies,
  type DeliveryOutcome,
  deliver,
  throwUnlessDelivered,
} from './http-delivery.js';

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

  const { outcome, attempt } = await postMessage(deps, context, message, destination, delivery.webhook_id);
  const at = deps.clock();
  await recordThroughOutage(context, () => recordDeliveryAttempt(deps.db, context.jobId, attempt, at));
  throwUnlessDelivered(outcome);
}

/**
 * Records what was sent, waiting out an outage of PostgreSQL (up to a minute): the receiver
 * has it now, and a rerun would send it again.
 */
export function recordThroughOutage(context: JobContext, record: () => Promise<void>): Promise<void> {
  return retryWhileUnavailable(record, { maxWaitMs: RECORD_WAIT_MS, signal: context.signal });
}

export interface SentMessage {
  outcome: DeliveryOutcome;
  /** What to record of it: `failed` also when a retryable outcome was the job's last attempt. */
  attempt: DeliveryAttempt;
}

/** One signed POST of a message to its destination, classified; records nothing. */
export async function postMessage(
  deps: Pick<SendDependencies, 'fetch' | 'clock' | 'timeoutMs'>,
  context: JobContext,
  message: OutboundMessage,
  destination: DestinationWithSecret,
  webhookId: string,
): Promise<SentMessage> {
  const outcome = await deliver(
    {
      url: destination.url,
      body: message.body,
      contentType: message.contentType,
      webhookId,
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
  return {
    outcome,
    attempt: {
      status,
      statusCode: outcome.status,
      error: outcome.kind === 'delivered' ? null : outcome.reason,
    },
  };
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

/**
 * Whether a job that threw has spent its last attempt: a job that records its own outcome
 * (a submission, a need evaluation) records `failed` then. A job that failed because
 * PostgreSQL is away runs again without spending its attempt (workers.ts).
 */
export function isFinalAttempt(error: unknown, context: JobContext): boolean {
  if (isDatabaseUnavailable(error)) return false;
  return error instanceof UnrecoverableError || context.attemptsMade + 1 >= context.maxAttempts;
}
