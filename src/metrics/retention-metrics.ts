import { Counter, Gauge, type Registry } from 'prom-client';
import type { Executor } from '../db/database.js';
import { prunedVersionCounts, retentionRunStats } from '../db/repositories/retention-runs.repository.js';
import { KEEP_REASONS } from '../domain/retention/retention-rules.js';
import { type Guard, sharedPerScrape } from './scrape.js';

export interface RetentionSources {
  /** The plan records and the record of retention runs (retention_runs). */
  records: Executor;
}

/**
 * The retention run's figures, read from PostgreSQL at each scrape like the rest, so every
 * instance shows the same whichever worker ran it: when the last run finished (alert when it is
 * more than a day and a bit ago), what it kept and why, what all runs pruned and removed
 * (plans' metadata, audit entries), and how many versions are held as metadata only, by why
 * their content went.
 */
export function registerRetentionMetrics(
  registry: Registry,
  sources: RetentionSources,
  guarded: Guard,
): void {
  const runs = sharedPerScrape(() => retentionRunStats(sources.records));

  const lastRun = new Gauge({
    name: 'planbrygga_retention_last_run_timestamp_seconds',
    help: 'When the last retention run finished (Unix time); 0 when none has',
    registers: [registry],
    collect: guarded('planbrygga_retention_last_run_timestamp_seconds', async () => {
      const { last } = await runs();
      lastRun.set(last ? last.finishedAt.getTime() / 1000 : 0);
    }),
  });
  const lastDuration = new Gauge({
    name: 'planbrygga_retention_last_run_duration_seconds',
    help: 'How long the last retention run took',
    registers: [registry],
    collect: guarded('planbrygga_retention_last_run_duration_seconds', async () => {
      const { last } = await runs();
      lastDuration.set(last ? (last.finishedAt.getTime() - last.startedAt.getTime()) / 1000 : 0);
    }),
  });
  const kept = new Gauge({
    name: 'planbrygga_retention_kept_versions',
    help: 'Versions whose content the last retention run kept, by the rule that kept it',
    labelNames: ['reason'],
    registers: [registry],
    collect: guarded('planbrygga_retention_kept_versions', async () => {
      const { last } = await runs();
      kept.reset();
      for (const reason of KEEP_REASONS) kept.set({ reason }, last?.kept[reason] ?? 0);
    }),
  });
  const runsTotal = new Counter({
    name: 'planbrygga_retention_runs_total',
    help: 'Retention runs finished (dry runs not counted)',
    registers: [registry],
    collect: guarded('planbrygga_retention_runs_total', async () => {
      runsTotal.reset();
      runsTotal.inc((await runs()).runs);
    }),
  });
  const prunedTotal = new Counter({
    name: 'planbrygga_retention_pruned_versions_total',
    help: 'Versions whose content retention runs pruned',
    registers: [registry],
    collect: guarded('planbrygga_retention_pruned_versions_total', async () => {
      prunedTotal.reset();
      prunedTotal.inc((await runs()).versionsPruned);
    }),
  });
  const plansRemoved = new Counter({
    name: 'planbrygga_retention_removed_plans_total',
    help: 'Plans whose metadata retention runs removed (content pruned longer ago than AUDIT_RETENTION_DAYS)',
    registers: [registry],
    collect: guarded('planbrygga_retention_removed_plans_total', async () => {
      plansRemoved.reset();
      plansRemoved.inc((await runs()).plansRemoved);
    }),
  });
  const auditRemoved = new Counter({
    name: 'planbrygga_retention_removed_audit_entries_total',
    help: 'Audit entries older than AUDIT_RETENTION_DAYS that retention runs removed',
    registers: [registry],
    collect: guarded('planbrygga_retention_removed_audit_entries_total', async () => {
      auditRemoved.reset();
      auditRemoved.inc((await runs()).auditEntriesRemoved);
    }),
  });
  const pruned = new Gauge({
    name: 'planbrygga_plan_versions_pruned',
    help: 'Versions held as metadata only, by why their content went (retention, erasure)',
    labelNames: ['reason'],
    registers: [registry],
    collect: guarded('planbrygga_plan_versions_pruned', async () => {
      const counts = await prunedVersionCounts(sources.records);
      pruned.reset();
      for (const reason of ['retention', 'erasure'] as const) {
        pruned.set({ reason }, counts.find((c) => c.reason === reason)?.versions ?? 0);
      }
    }),
  });
}
