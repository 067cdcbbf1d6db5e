import type { ServiceContext } from '../../services/context.js';
import { runRetention } from '../../services/retention.service.js';
import type { JobContext, JobPayload } from '../queues/catalogue.js';

/**
 * The daily retention run (gallring), scheduled by the queues: one job each day, taken by one
 * worker of however many run. Its audit entries carry the job id as their request id.
 */
export function retentionRunJob(ctx: ServiceContext) {
  return async (_data: JobPayload<'retention.run'>, context: JobContext): Promise<void> => {
    const summary = await runRetention(ctx, { runId: `retention:${context.jobId}`, jobId: context.jobId });
    context.logger.info(summary, 'retention run done');
  };
}
