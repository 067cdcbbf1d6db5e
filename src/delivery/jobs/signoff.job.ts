import { stockholmDate } from '../../domain/calendar-date.js';
import type { ServiceContext } from '../../services/context.js';
import { currentVersion, loadLifecycle } from '../../services/lifecycle.service.js';
import { jsonBody } from '../contract/outbound-body.js';
import { SignOffRequestEvent } from '../contract/webhook-events.js';
import { JOBS, type JobContext, type JobPayload } from '../queues/catalogue.js';
import type { JobTools } from './job-dependencies.js';

type SignOffPayload = JobPayload<'signoff.request'>;

/**
 * A sign-off request (`signoff.request`) or its reminder (`signoff.remind`) to the unit's
 * signing system, sent only while the role still has to sign the current version.
 */
export function signOffJob({ ctx, deliver }: JobTools, name: 'signoff.request' | 'signoff.remind') {
  return async (data: SignOffPayload, context: JobContext): Promise<void> => {
    const still = await outstandingSignOff(ctx, data);
    if (!still) {
      context.logger.info({ role: data.role }, 'the signature is no longer outstanding; nothing sent');
      return;
    }
    await deliver(
      name,
      context,
      data,
      jsonBody(
        SignOffRequestEvent.parse({
          type: JOBS[name].event,
          planId: data.planId,
          version: data.version,
          role: data.role,
          unitId: still.unitId,
          dueBy: still.dueBy ?? null,
        }),
      ),
    );
  };
}

/** The role still has to sign this version, which is still current: its unit and due date; else undefined. */
async function outstandingSignOff(
  ctx: ServiceContext,
  data: SignOffPayload,
): Promise<{ unitId: string; dueBy: string | undefined } | undefined> {
  const row = await ctx.db.selectFrom('plans').selectAll().where('id', '=', data.planId).executeTakeFirst();
  // An ended plan's follow-ups stop.
  if (!row || row.current_version !== data.version || row.status === 'ended') return undefined;
  const current = await currentVersion(ctx.db, ctx, row);
  const { assessment } = await loadLifecycle(ctx.db, ctx, row, current, stockholmDate(ctx.clock()));
  const { lifecycle, deadlines } = assessment;
  if (lifecycle.state !== 'established' && lifecycle.state !== 'communicated') return undefined;
  if (!lifecycle.signatures.outstanding.includes(data.role)) return undefined;
  return { unitId: row.unit_id, dueBy: deadlines.signaturesDueBy };
}
