import {
  countIdempotencyRecords,
  deleteIdempotencyRecords,
} from '../db/repositories/idempotency.repository.js';
import {
  type HeldVersionRow,
  heldVersionFacts,
  lockPlans,
  plansHoldingContent,
} from '../db/repositories/retention.repository.js';
import { insertRetentionRun } from '../db/repositories/retention-runs.repository.js';
import { stockholmDate } from '../domain/calendar-date.js';
import { presetPolicy } from '../domain/policy/presets.js';
import {
  KEEP_REASONS,
  type KeepReason,
  type RetentionDecision,
  retentionDecision,
} from '../domain/retention/retention-rules.js';
import { pruneContent } from './content-pruning.js';
import type { ServiceContext } from './context.js';
import { expireMetadata } from './metadata-expiry.service.js';

export interface RetentionSummary {
  /** The Stockholm date the rules were applied on. */
  date: string;
  dryRun: boolean;
  /** Versions whose content was pruned (would be, in a dry run). */
  pruned: number;
  /** Plans with at least one version pruned. */
  plans: number;
  /** Versions whose content stays, by the rule that keeps it. */
  kept: Record<KeepReason, number>;
  /** Plans another transaction held (a push): left for the next run. */
  busy: number;
  /** Plans whose metadata went: all content pruned more than AUDIT_RETENTION_DAYS ago. */
  plansRemoved: number;
  /** Audit entries older than AUDIT_RETENTION_DAYS removed. */
  auditEntriesRemoved: number;
  /** Stored answers of `Idempotency-Key` requests older than IDEMPOTENCY_RECORD_HOURS removed. */
  idempotencyRecordsRemoved: number;
}

/**
 * How long the stored answer of a request with an `Idempotency-Key` is replayed: a day, enough
 * for any client's retries. The answer may quote a plan (warnings), so it does not outlive
 * that by more than the next nightly run, pruned or erased content included.
 */
export const IDEMPOTENCY_RECORD_HOURS = 24;

export interface RetentionOptions {
  /** Apply the rules as on this Stockholm date; today by default. */
  today?: string;
  /** Decide and count, change nothing. */
  dryRun?: boolean;
  /** Plans per batch; each batch is its own transaction. */
  batchSize?: number;
  /** Joins the run's audit entries (one per plan pruned). */
  runId: string;
  /** The BullMQ job of a scheduled run, recorded with the run; none for a run by hand. */
  jobId?: string;
  /** AUDIT_RETENTION_DAYS: audit entries and pruned plans' metadata older go; 0 or none keeps them. */
  auditRetentionDays?: number;
}

/**
 * The retention run (retention-rules.ts): walks every plan that still holds content, in
 * batches of plans, each batch one transaction that locks its plans, reads their facts,
 * decides and prunes. Safe to interrupt (a batch commits or not) and to run again, or on
 * several workers at once (locked plans are skipped, pruned versions are not looked at again).
 * Then, with `auditRetentionDays`, the metadata of plans pruned longer ago and older audit
 * entries go (metadata-expiry.service.ts). A run that is not a dry run is recorded
 * (retention_runs) when it finishes, for /metrics.
 */
export async function runRetention(
  ctx: ServiceContext,
  options: RetentionOptions,
): Promise<RetentionSummary> {
  const startedAt = ctx.clock();
  const today = options.today ?? stockholmDate(startedAt);
  const content = await pruneHeldContent(ctx, options, today);
  const summary: RetentionSummary = {
    ...content,
    ...(await expireMetadata(ctx, {
      today,
      auditRetentionDays: options.auditRetentionDays ?? 0,
      dryRun: content.dryRun,
      runId: options.runId,
      ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    })),
    idempotencyRecordsRemoved: await expireIdempotencyRecords(ctx, content.dryRun),
  };
  if (!summary.dryRun) {
    await insertRetentionRun(ctx.db, {
      jobId: options.jobId ?? null,
      onDate: summary.date,
      startedAt,
      finishedAt: ctx.clock(),
      versionsPruned: summary.pruned,
      plansPruned: summary.plans,
      busy: summary.busy,
      kept: summary.kept,
      plansRemoved: summary.plansRemoved,
      auditEntriesRemoved: summary.auditEntriesRemoved,
    });
  }
  return summary;
}

type ContentSummary = Omit<
  RetentionSummary,
  'plansRemoved' | 'auditEntriesRemoved' | 'idempotencyRecordsRemoved'
>;

function expireIdempotencyRecords(ctx: ServiceContext, dryRun: boolean): Promise<number> {
  const before = new Date(ctx.clock().getTime() - IDEMPOTENCY_RECORD_HOURS * 60 * 60 * 1000);
  return dryRun ? countIdempotencyRecords(ctx.db, before) : deleteIdempotencyRecords(ctx.db, before);
}

async function pruneHeldContent(
  ctx: ServiceContext,
  options: RetentionOptions,
  today: string,
): Promise<ContentSummary> {
  const batchSize = options.batchSize ?? 500;
  const summary: ContentSummary = {
    date: today,
    dryRun: options.dryRun ?? false,
    pruned: 0,
    plans: 0,
    kept: Object.fromEntries(KEEP_REASONS.map((reason) => [reason, 0])) as Record<KeepReason, number>,
    busy: 0,
  };
  let after: string | null = null;
  for (;;) {
    const ids = await plansHoldingContent(ctx.db, after, batchSize);
    if (ids.length === 0) return summary;
    after = ids.at(-1) ?? null;
    if (summary.dryRun) {
      tally(summary, decide(await heldVersionFacts(ctx.db, ids), today));
    } else {
      await ctx.db.transaction().execute(async (trx) => {
        const locked = await lockPlans(trx, ids);
        summary.busy += ids.length - locked.length;
        const decided = decide(await heldVersionFacts(trx, locked), today);
        const prunable = decided.flatMap(({ row, decision }) =>
          decision.prune
            ? [{ planId: row.plan_id, version: row.version, organisation: row.organisation }]
            : [],
        );
        await pruneContent(trx, ctx, prunable, 'retention', { clientId: null, requestId: options.runId });
        tally(summary, decided);
      });
    }
    if (ids.length < batchSize) return summary;
  }
}

function decide(rows: readonly HeldVersionRow[], today: string) {
  return rows.map((row) => ({ row, decision: retentionDecision(factsOf(row), today) }));
}

function tally(
  summary: ContentSummary,
  decided: { row: HeldVersionRow; decision: RetentionDecision }[],
): void {
  const plans = new Set<string>();
  for (const { row, decision } of decided) {
    if (decision.prune) {
      summary.pruned++;
      plans.add(row.plan_id);
    } else summary.kept[decision.keep]++;
  }
  summary.plans += plans.size;
}

function factsOf(row: HeldVersionRow) {
  return {
    latest: row.latest,
    planEndedOn: row.ended_on,
    supersededOn: row.superseded_on,
    lastDeliveryFinishedOn: row.delivery_finished_on,
    deliveryQueued: row.delivery_queued,
    deliveryFailed: row.delivery_failed,
    inboxUnacknowledged: row.inbox_unacknowledged,
    onLegalHold: row.on_legal_hold,
    retentionDays: retentionDaysOf(row),
  };
}

/** The unit's policy, else the organisation's, else the preset of the plan's law (resolve.ts). */
function retentionDaysOf(row: HeldVersionRow): number {
  return (
    row.unit_retention_days ??
    row.organisation_retention_days ??
    presetPolicy(row.law === 'LSS' ? 'lss' : 'omsorg').contentRetentionDays
  );
}
