import type { JobHandlers } from '../queues/catalogue.js';
import { type HandlerDependencies, jobTools } from './job-dependencies.js';
import { needEvaluationDeliverJob } from './need-evaluation-deliver.job.js';
import { overdueScanJob } from './overdue-scan.job.js';
import { plannerNotifyJob } from './planner-notify.job.js';
import { retentionRunJob } from './retention-run.job.js';
import { signOffJob } from './signoff.job.js';
import { statusWritebackJob } from './status-writeback.job.js';
import { submissionDeliverJob } from './submission-deliver.job.js';

/**
 * The work behind every job, one file per kind. Payloads carry ids only: each job reads the
 * plan, the destination and the lifecycle from PostgreSQL as they are now, so a job that ran
 * late sends what is true, or nothing when it no longer applies.
 */
export function createJobHandlers(deps: HandlerDependencies): JobHandlers {
  const tools = jobTools(deps);
  return {
    'submission.deliver': submissionDeliverJob(tools),
    'need_evaluation.deliver': needEvaluationDeliverJob(tools),
    'signoff.request': signOffJob(tools, 'signoff.request'),
    'signoff.remind': signOffJob(tools, 'signoff.remind'),
    'planner.notify': plannerNotifyJob(tools),
    'status.writeback': statusWritebackJob(tools),
    'overdue.scan': overdueScanJob(deps.ctx),
    'retention.run': retentionRunJob({
      ctx: deps.ctx,
      auditRetentionDays: deps.auditRetentionDays,
      queues: deps.queues,
    }),
  };
}
