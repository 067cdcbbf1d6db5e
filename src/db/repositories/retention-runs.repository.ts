import { sql } from 'kysely';
import type { Executor } from '../database.js';
import type { PruneReason } from '../schema.js';

export interface RetentionRunRecord {
  jobId: string | null;
  onDate: string;
  startedAt: Date;
  finishedAt: Date;
  versionsPruned: number;
  plansPruned: number;
  busy: number;
  kept: Record<string, number>;
  plansRemoved: number;
  auditEntriesRemoved: number;
}

export async function insertRetentionRun(db: Executor, run: RetentionRunRecord): Promise<void> {
  await db
    .insertInto('retention_runs')
    .values({
      job_id: run.jobId,
      on_date: run.onDate,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      versions_pruned: run.versionsPruned,
      plans_pruned: run.plansPruned,
      busy: run.busy,
      kept: JSON.stringify(run.kept),
      plans_removed: run.plansRemoved,
      audit_entries_removed: run.auditEntriesRemoved,
    })
    .execute();
}

/** Every run's totals, and the last run (by when it finished); what /metrics shows. */
export interface RetentionRunStats {
  runs: number;
  versionsPruned: number;
  plansRemoved: number;
  auditEntriesRemoved: number;
  last: {
    startedAt: Date;
    finishedAt: Date;
    versionsPruned: number;
    kept: Record<string, number>;
  } | null;
}

export async function retentionRunStats(db: Executor): Promise<RetentionRunStats> {
  const totals = await db
    .selectFrom('retention_runs')
    .select([
      sql<string>`count(*)`.as('runs'),
      sql<string>`coalesce(sum(versions_pruned), 0)`.as('versions_pruned'),
      sql<string>`coalesce(sum(plans_removed), 0)`.as('plans_removed'),
      sql<string>`coalesce(sum(audit_entries_removed), 0)`.as('audit_entries_removed'),
    ])
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('retention_runs')
    .select(['started_at', 'finished_at', 'versions_pruned', 'kept'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    runs: Number(totals.runs),
    versionsPruned: Number(totals.versions_pruned),
    plansRemoved: Number(totals.plans_removed),
    auditEntriesRemoved: Number(totals.audit_entries_removed),
    last: last
      ? {
          startedAt: last.started_at,
          finishedAt: last.finished_at,
          versionsPruned: last.versions_pruned,
          kept: last.kept,
        }
      : null,
  };
}

/** Versions whose content is gone, by why (retention or erasure): one scan of the pruned-at index. */
export async function prunedVersionCounts(
  db: Executor,
): Promise<{ reason: PruneReason; versions: number }[]> {
  const rows = await db
    .selectFrom('plan_versions')
    .select(['prune_reason', sql<string>`count(*)`.as('versions')])
    .where('pruned_at', 'is not', null)
    .groupBy('prune_reason')
    .execute();
  return rows.flatMap((row) =>
    row.prune_reason === null ? [] : [{ reason: row.prune_reason, versions: Number(row.versions) }],
  );
}
