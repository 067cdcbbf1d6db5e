import { auditInserts } from '../db/repositories/audit.repository.js';
import {
  countExpiredAuditEntries,
  deletePlanMetadata,
  expireAuditEntries,
  plansPrunedBefore,
} from '../db/repositories/metadata-expiry.repository.js';
import { lockPlans } from '../db/repositories/retention.repository.js';
import { executeWrite } from '../db/writes.js';
import { addDays } from '../domain/calendar-date.js';
import type { ServiceContext } from './context.js';

export interface MetadataExpiryOptions {
  /** The Stockholm date of the run. */
  today: string;
  /** AUDIT_RETENTION_DAYS; 0 removes nothing. */
  auditRetentionDays: number;
  dryRun: boolean;
  /** Joins the audit entries of plans removed (one each) to the run. */
  runId: string;
  batchSize?: number;
}

export interface MetadataExpiry {
  /** Plans whose metadata went: content all pruned more than the audit retention ago. */
  plansRemoved: number;
  /** Audit entries written more than the audit retention ago. */
  auditEntriesRemoved: number;
}

/**
 * What stays after content is pruned does not stay for ever (issue 22, item 6): once the audit
 * retention has passed since a plan's last content went, its metadata goes (ids, versions,
 * lifecycle, feed, submissions, receipts, the blind index), and so do audit entries older than
 * that. A plan under a legal hold stays. Each removal of a plan is audited, in the same
 * transaction, naming only its id. Batches of plans, each one transaction, locked plans skipped.
 */
export async function expireMetadata(
  ctx: ServiceContext,
  options: MetadataExpiryOptions,
): Promise<MetadataExpiry> {
  if (options.auditRetentionDays === 0) return { plansRemoved: 0, auditEntriesRemoved: 0 };
  const before = addDays(options.today, -options.auditRetentionDays);
  const batchSize = options.batchSize ?? 500;
  if (options.dryRun) {
    return {
      plansRemoved: await countPlans(ctx, before, batchSize),
      auditEntriesRemoved: await countExpiredAuditEntries(ctx.db, before),
    };
  }
  // Plans first: the entry recording a plan's removal is new, so the audit sweep leaves it.
  const plansRemoved = await removePlans(ctx, before, batchSize, options.runId);
  let auditEntriesRemoved = 0;
  for (;;) {
    const removed = await expireAuditEntries(ctx.db, before, AUDIT_BATCH);
    auditEntriesRemoved += removed;
    if (removed < AUDIT_BATCH) return { plansRemoved, auditEntriesRemoved };
  }
}

/** Audit entries removed per statement (and transaction). */
const AUDIT_BATCH = 10_000;

async function countPlans(ctx: ServiceContext, before: string, batchSize: number): Promise<number> {
  let count = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await plansPrunedBefore(ctx.db, before, after, batchSize);
    count += ids.length;
    if (ids.length < batchSize) return count;
    after = ids.at(-1) ?? null;
  }
}

async function removePlans(
  ctx: ServiceContext,
  before: string,
  batchSize: number,
  runId: string,
): Promise<number> {
  let removed = 0;
  let after: string | null = null;
  for (;;) {
    const ids = await plansPrunedBefore(ctx.db, before, after, batchSize);
    if (ids.length === 0) return removed;
    after = ids.at(-1) ?? null;
    removed += await ctx.db.transaction().execute(async (trx) => {
      const deleted = await deletePlanMetadata(trx, await lockPlans(trx, ids), before);
      const at = ctx.clock();
      const audit = auditInserts(
        deleted.map((plan) => ({
          at,
          clientId: null,
          organisation: plan.organisation,
          action: 'plan.metadata.remove',
          planId: plan.id,
          version: null,
          requestId: runId,
          status: 200,
          outcome: 'success' as const,
          details: { contentPrunedBefore: before },
        })),
      );
      if (audit) await executeWrite(trx, audit);
      return deleted.length;
    });
    if (ids.length < batchSize) return removed;
  }
}
