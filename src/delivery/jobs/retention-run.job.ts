import type { ServiceContext } from '../../services/context.js';
import { runRetention } from '../../services/retention.service.js';
import type { JobContext, JobPayload } from '../queues/catalogue.js';
import { type Queues, removeFinishedJobs } from '../queues/queues.js';

export interface RetentionRunDependencies {
  ctx: ServiceContext;
  /** AUDIT_RETENTION_DAYS (0 keeps audit entries and pruned plans' metadata). */
  auditRetentionDays: number;
  /** Finished jobs past their age leave these queues at each run. */
  queues: Queues;
}

/**
 * The daily retention run (gallring), scheduled by the queues: one job each day, taken by one
 * worker of however many run. Prunes content, removes metadata and audit entries past the
 * audit retention, and finished jobs past their age from Redis. Its audit entries carry the
 * job id as their request id.
 */
export function retentionRunJob(deps: RetentionRunDependencies) {
  return async (_data: JobPayload<'retention.run'>, context: JobContext): Promise<void> => {
    const summary = await runRetention(deps.ctx, {
      runId: `retention:${context.jobId}`,
      jobId: context.jobId,
      auditRetentionDays: deps.auditRetentionDays,
    });
    const jobsRemoved = await removeFinishedJobs(deps.queues);
    context.logger.info({ ...summary, jobsRemoved }, 'retention run done');
  };
}
