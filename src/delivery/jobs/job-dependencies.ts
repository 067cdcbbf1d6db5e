import { groupCommit } from '../../db/group-commit.js';
import type { Database } from '../../db/schema.js';
import type { ServiceContext } from '../../services/context.js';
import type { OutboundBody } from '../contract/outbound-body.js';
import {
  type OutboundMessage,
  type SendDependencies,
  sendToDestination,
} from '../contract/send-to-destination.js';
import type {
  DestinationSecretCodec,
  DestinationWithSecret,
} from '../destinations/destinations.repository.js';
import { jobTables } from '../outbox/outbox.repository.js';
import { JOBS, type JobContext, type JobName } from '../queues/catalogue.js';
import type { Queues } from '../queues/queues.js';
import {
  recordSubmissionOutcome,
  recordSubmissionOutcomes,
  type SubmissionOutcome,
} from '../submissions/submissions.service.js';

export interface HandlerDependencies {
  ctx: ServiceContext;
  secrets: DestinationSecretCodec;
  fetch: typeof globalThis.fetch;
  deliveryTimeoutMs: number;
  /** AUDIT_RETENTION_DAYS, for the daily retention run. */
  auditRetentionDays: number;
  /** The process's queues: the retention run removes finished jobs from them. */
  queues: Queues;
}

/** What a delivery is about: the plan version (and submission) and where it goes. */
export interface DeliveryTarget {
  planId: string;
  version: number;
  destinationId: string;
  submissionId?: string;
}

/** Sends one job's body to its destination, with the job's event header. */
export type Deliver = (
  name: JobName,
  context: JobContext,
  about: DeliveryTarget,
  body: OutboundBody,
  destination?: DestinationWithSecret,
) => Promise<void>;

/** Every job's work gets the service context and one way to deliver. */
export interface JobTools {
  ctx: ServiceContext;
  secrets: DestinationSecretCodec;
  deliver: Deliver;
  /** What `deliver` sends with, for a job that records its delivery with its own outcome. */
  send: SendDependencies;
  /**
   * Records a submission's delivery outcome in a transaction shared with the outcomes of
   * concurrent jobs; settles once that transaction has committed.
   */
  recordOutcome: (outcome: SubmissionOutcome) => Promise<void>;
}

/** The most delivery outcomes one transaction records. */
const OUTCOMES_PER_TRANSACTION = 100;

/** The message a job sends: its body, with the job's event and what it is about in the headers. */
export function outboundMessage(name: JobName, about: DeliveryTarget, body: OutboundBody): OutboundMessage {
  return {
    jobName: name,
    destinationId: about.destinationId,
    event: JOBS[name].event ?? name,
    planId: about.planId,
    version: about.version,
    ...(about.submissionId && { submissionId: about.submissionId }),
    ...body,
  };
}

export function jobTools(deps: HandlerDependencies): JobTools {
  const send: SendDependencies = {
    db: jobTables<Database>(deps.ctx.db),
    secrets: deps.secrets,
    fetch: deps.fetch,
    clock: deps.ctx.clock,
    timeoutMs: deps.deliveryTimeoutMs,
  };
  return {
    ctx: deps.ctx,
    secrets: deps.secrets,
    send,
    recordOutcome: groupCommit<SubmissionOutcome>({
      commit: (outcomes) => recordSubmissionOutcomes(deps.ctx, outcomes),
      alone: (outcome) => recordSubmissionOutcome(deps.ctx, outcome),
      maxItems: OUTCOMES_PER_TRANSACTION,
    }),
    deliver: (name, context, about, body, destination) =>
      sendToDestination(send, context, outboundMessage(name, about, body), destination),
  };
}
