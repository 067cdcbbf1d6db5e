import type { ServiceContext } from '../../services/context.js';
import { scanOverdue } from '../../services/overdue.service.js';
import type { JobContext, JobPayload } from '../queues/catalogue.js';

/** The nightly scan that records plans gone overdue (scheduled by the queues, not the outbox). */
export function overdueScanJob(ctx: ServiceContext) {
  return async (_data: JobPayload<'overdue.scan'>, context: JobContext): Promise<void> => {
    const report = await scanOverdue(ctx);
    context.logger.info(report, 'overdue scan done');
  };
}
