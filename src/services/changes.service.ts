import {
  listPlanChanges,
  type SequencedPlanChange,
  sequencePlanChanges,
} from '../db/repositories/plan-changes.repository.js';
import type { ChangeWaiters } from './change-waiters.js';
import type { Caller, ServiceContext } from './context.js';

export interface ChangePage {
  items: SequencedPlanChange[];
  /** Where to resume: the last row's seq, or the cursor given when there was nothing new. */
  cursor: string;
}

/** The caller's organisation's change feed after `after` (a seq; "0" from the beginning). */
export async function readChanges(
  ctx: ServiceContext,
  caller: Caller,
  after: string,
  limit: number,
): Promise<ChangePage> {
  await sequencePlanChanges(ctx.db, caller.organisation);
  const items = await listPlanChanges(ctx.db, caller.organisation, after, limit);
  return { items, cursor: items.at(-1)?.seq ?? after };
}

/**
 * Long poll: the caller's change feed after `after`, answered as soon as something is there,
 * or an empty page with the same cursor when `waitMs` is up, the client went away (`signal`)
 * or the process is shutting down. No query runs while nothing of the organisation commits.
 */
export async function waitForChanges(
  ctx: ServiceContext,
  waiters: ChangeWaiters,
  caller: Caller,
  query: { after: string; limit: number; waitMs: number; signal?: AbortSignal },
): Promise<ChangePage> {
  const { after, limit, signal } = query;
  const deadline = Date.now() + query.waitMs;
  const read = () => readChanges(ctx, caller, after, limit);
  let wokenBy: number | null = null;
  for (;;) {
    // Registered before the read, so a change committed during it still wakes this wait.
    const wait = waiters.register(caller.organisation, deadline - Date.now(), signal);
    try {
      const page =
        wokenBy === null
          ? await read()
          : await waiters.share(`${caller.organisation} ${wokenBy} ${after} ${limit}`, read);
      if (page.items.length > 0 || Date.now() >= deadline) return page;
      const wake = await wait.woken;
      if (wake.reason !== 'changed') return page;
      wokenBy = wake.generation;
    } finally {
      wait.cancel();
    }
  }
}
