import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { fitsBigint } from '../../domain/bigint-text.js';
import { SIGNATURE_ROLES } from '../../domain/codes.js';
import { maskIdentityNumbers } from '../../domain/identity-number.js';
import type { Logger } from '../../logger.js';

/**
 * Job payloads carry ids only. Workers read names, identity numbers and documents from
 * PostgreSQL, so nothing personal ever sits in Redis or in a queue dashboard.
 */
const id = z.uuid();
const version = z.number().int().positive();
/** The HTTP request that caused the job, so worker logs join the request's. */
const requestId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .refine((value) => maskIdentityNumbers(value) === value, 'must not look like an identity number')
  .optional();

export const QUEUE_NAMES = ['submissions', 'signoffs', 'notifications', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * The one catalogue of jobs: name → queue, payload schema and, for outbound deliveries,
 * the `planbrygga-event` header value.
 */
export const JOBS = {
  // avge: deliver the finished plan to the case officer's system
  'submission.deliver': {
    queue: 'submissions',
    event: 'plan.submitted',
    payload: z.strictObject({ submissionId: id, planId: id, version, destinationId: id, requestId }),
  },
  // routine 003: the kontaktman's evaluation of a changed need, to the case officer's system
  'need_evaluation.deliver': {
    queue: 'submissions',
    event: 'plan.need_evaluation',
    payload: z.strictObject({ needEvaluationId: id, planId: id, version, destinationId: id, requestId }),
  },
  'signoff.request': {
    queue: 'signoffs',
    event: 'plan.signoff_requested',
    payload: z.strictObject({
      planId: id,
      version,
      destinationId: id,
      role: z.enum(SIGNATURE_ROLES),
      requestId,
    }),
  },
  'signoff.remind': {
    queue: 'signoffs',
    event: 'plan.signoff_reminder',
    payload: z.strictObject({
      planId: id,
      version,
      destinationId: id,
      role: z.enum(SIGNATURE_ROLES),
      requestId,
    }),
  },
  // hemtjänst: tell the home-care planner a plan is ready to schedule
  'planner.notify': {
    queue: 'notifications',
    event: 'plan.planner_notification',
    payload: z.strictObject({ planId: id, version, destinationId: id, requestId }),
  },
  'status.writeback': {
    queue: 'notifications',
    event: 'plan.status_changed',
    payload: z.strictObject({
      planId: id,
      version,
      destinationId: id,
      /** `plan_changes.id` of the change being written back (its feed position comes after commit). */
      changeId: z
        .string()
        .regex(/^[1-9]\d{0,18}$/)
        .refine(fitsBigint),
      requestId,
    }),
  },
  'overdue.scan': {
    queue: 'maintenance',
    event: null,
    payload: z.strictObject({ requestId }),
  },
  // gallring: the daily retention run (src/services/retention.service.ts)
  'retention.run': {
    queue: 'maintenance',
    event: null,
    payload: z.strictObject({ requestId }),
  },
} as const satisfies Record<string, { queue: QueueName; event: string | null; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
export type JobPayload<N extends JobName> = z.output<(typeof JOBS)[N]['payload']>;

/** A job as a discriminated union on `name`. */
export type Job = { [N in JobName]: { name: N; data: JobPayload<N> } }[JobName];

export interface JobContext {
  /** The BullMQ job id: the outbox row's webhook id, the same on every attempt. */
  jobId: string;
  /** Attempts already made before this one. */
  attemptsMade: number;
  /** Total attempts allowed; this attempt is the last when `attemptsMade + 1 === maxAttempts`. */
  maxAttempts: number;
  /** Aborts when a graceful shutdown runs out of patience; pass it to outbound requests. */
  signal: AbortSignal;
  /** Carries the job id, job name and the causing request's id. */
  logger: Logger;
}

export type JobHandler<N extends JobName> = (data: JobPayload<N>, context: JobContext) => Promise<void>;

/** One handler per job name; a missing one is a compile error. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

export function queueOf(name: JobName): QueueName {
  return JOBS[name].queue;
}

/**
 * Checks a job's name and payload. Anything wrong is an UnrecoverableError: retrying cannot
 * fix it. The message names the field paths, never the values.
 */
export function parseJob(name: string, data: unknown): Job {
  if (!isJobName(name)) throw new UnrecoverableError(`unknown job name "${name.slice(0, 64)}"`);
  const result = JOBS[name].payload.safeParse(data);
  if (!result.success) {
    const paths = result.error.issues.map((issue) => issue.path.join('.') || '(payload)');
    throw new UnrecoverableError(`invalid payload for ${name}: ${[...new Set(paths)].join(', ')}`);
  }
  return { name, data: result.data } as Job;
}

/** Runs the job's handler. */
export function runJob(handlers: JobHandlers, job: Job, context: JobContext): Promise<void> {
  return callHandler(handlers, job.name, job.data as JobPayload<typeof job.name>, context);
}

function callHandler<N extends JobName>(
  handlers: JobHandlers,
  name: N,
  data: JobPayload<N>,
  context: JobContext,
): Promise<void> {
  return (handlers[name] as JobHandler<N>)(data, context);
}
