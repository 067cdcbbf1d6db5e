import { UnrecoverableError } from 'bullmq';
import { findSequencedChange } from '../../db/repositories/plan-changes.repository.js';
import { jsonBody } from '../contract/outbound-body.js';
import { StatusChangedEvent } from '../contract/webhook-events.js';
import { JOBS, type JobContext, type JobPayload } from '../queues/catalogue.js';
import type { JobTools } from './job-dependencies.js';
import { planRow } from './plan-reads.js';

/** Tells the source system a plan was updated, established or communicated. */
export function statusWritebackJob({ ctx, deliver }: JobTools) {
  return async (data: JobPayload<'status.writeback'>, context: JobContext): Promise<void> => {
    const row = await planRow(ctx, data.planId);
    // Numbered first if need be, so the receiver can order write-backs as the change feed does.
    const change = await findSequencedChange(ctx.db, data.planId, data.changeId);
    if (!change?.seq) throw new UnrecoverableError('the change to write back no longer exists');
    await deliver(
      'status.writeback',
      context,
      data,
      jsonBody(
        StatusChangedEvent.parse({
          type: JOBS['status.writeback'].event,
          planId: data.planId,
          sourceSystem: row.source_system,
          sourcePlanId: row.source_plan_id,
          version: data.version,
          event: change.kind === 'version_created' ? 'updated' : change.status,
          status: change.status,
          at: change.at.toISOString(),
          changeSeq: change.seq,
        }),
      ),
    );
  };
}
