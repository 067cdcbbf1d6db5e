import { isBlank } from '../../domain/text.js';
import { jsonBody } from '../contract/outbound-body.js';
import { PlannerNotificationEvent } from '../contract/webhook-events.js';
import { JOBS, type JobContext, type JobPayload } from '../queues/catalogue.js';
import type { JobTools } from './job-dependencies.js';
import { planVersion } from './plan-reads.js';

/** hemtjänst: tells the home-care planner (hemtjänstplanerare) how the interventions are to be linked. */
export function plannerNotifyJob({ ctx, deliver }: JobTools) {
  return async (data: JobPayload<'planner.notify'>, context: JobContext): Promise<void> => {
    const plan = await planVersion(ctx, data.planId, data.version);
    const text = plan.plannerNotification;
    if (text === undefined || isBlank(text)) {
      context.logger.info('the version has no planner notification; nothing sent');
      return;
    }
    await deliver(
      'planner.notify',
      context,
      data,
      jsonBody(
        PlannerNotificationEvent.parse({
          type: JOBS['planner.notify'].event,
          planId: data.planId,
          version: data.version,
          sourcePlanId: plan.plan.sourcePlanId,
          unitId: plan.plan.unit.id,
          serviceType: plan.plan.serviceType.code,
          plannerNotification: text,
          interventions: plan.interventions.map((i) => ({
            decisionId: i.decisionId,
            name: i.name,
            scope: i.scope,
            when: i.when,
          })),
        }),
      ),
    );
  };
}
