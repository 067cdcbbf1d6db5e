import { sql } from 'kysely';
import type { Executor, Tx } from '../database.js';
import type { PruneReason } from '../schema.js';

/**
 * Ids of plans after `afterId` that still hold content, in id order: the retention run's
 * batches (keyset, so an interrupted run resumes where any run would).
 */
export async function plansHoldingContent(
  db: Executor,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await sql<{ plan_id: string }>`
    select distinct plan_id from plan_versions
    where pruned_at is null and (${afterId}::uuid is null or plan_id > ${afterId}::uuid)
    order by plan_id limit ${limit}`.execute(db);
  return rows.rows.map((row) => row.plan_id);
}

/** Locks the plans (skipping those another transaction holds: a push decides them); returns the locked ids. */
export async function lockPlans(trx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('plans')
    .select('id')
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => row.id);
}

/** A held version with what the retention rules need to know about it (retention-rules.ts). */
export interface HeldVersionRow {
  plan_id: string;
  organisation: string;
  law: string;
  version: number;
  latest: boolean;
  ended_on: string | null;
  superseded_on: string | null;
  delivery_finished_on: string | null;
  delivery_queued: boolean;
  delivery_failed: boolean;
  inbox_unacknowledged: boolean;
  on_legal_hold: boolean;
  /** `contentRetentionDays` of the unit's policy and of the organisation's, when they have one. */
  unit_retention_days: number | null;
  organisation_retention_days: number | null;
}

const stockholmDay = (column: string) =>
  sql<string>`((${sql.ref(column)} at time zone 'Europe/Stockholm')::date)::text`;

/** Every version of these plans whose content is still held, with its facts, in one query. */
export async function heldVersionFacts(db: Executor, planIds: readonly string[]): Promise<HeldVersionRow[]> {
  if (planIds.length === 0) return [];
  const rows = await sql<HeldVersionRow>`
    select v.plan_id, p.organisation, p.law, v.version,
      v.version = p.current_version as latest,
      e.ended_on::text as ended_on,
      ${stockholmDay('n.created_at')} as superseded_on,
      ${stockholmDay('f.finished_at')} as delivery_finished_on,
      coalesce(d.queued, false) or coalesce(s.queued, false) or coalesce(ne.queued, false) as delivery_queued,
      coalesce(d.failed, false) or coalesce(s.failed, false) or coalesce(ne.failed, false) as delivery_failed,
      coalesce(s.inbox_waiting, false) or coalesce(ne.inbox_waiting, false) as inbox_unacknowledged,
      exists (select 1 from legal_holds h where h.plan_id = v.plan_id) as on_legal_hold,
      (pu.policy ->> 'contentRetentionDays')::int as unit_retention_days,
      (po.policy ->> 'contentRetentionDays')::int as organisation_retention_days
    from plan_versions v
    join plans p on p.id = v.plan_id
    left join plan_ends e on e.plan_id = v.plan_id and e.reopened_at is null
    left join plan_versions n on n.plan_id = v.plan_id and n.version = v.version + 1
    left join lateral (
      select bool_or(status = 'pending') as queued, bool_or(status = 'failed') as failed,
        max(delivered_at) as finished_at
      from deliveries where plan_id = v.plan_id and version = v.version
    ) d on true
    left join lateral (
      select bool_or(status = 'queued') as queued, bool_or(status = 'failed') as failed,
        bool_or(destination_id is null and acknowledged_at is null) as inbox_waiting,
        max(greatest(delivered_at, acknowledged_at)) as finished_at
      from submissions where plan_id = v.plan_id and version = v.version
    ) s on true
    left join lateral (
      select bool_or(status = 'queued') as queued, bool_or(status = 'failed') as failed,
        bool_or(destination_id is null and status = 'delivered') as inbox_waiting,
        max(greatest(delivered_at, acknowledged_at)) as finished_at
      from need_evaluations where plan_id = v.plan_id and version = v.version
    ) ne on true
    cross join lateral (select greatest(d.finished_at, s.finished_at, ne.finished_at) as finished_at) f
    left join policies pu on pu.organisation = p.organisation and pu.unit_id = p.unit_id
    left join policies po on po.organisation = p.organisation and po.unit_id is null
    where v.plan_id = any(${planIds}::uuid[]) and v.pruned_at is null
    order by v.plan_id, v.version`.execute(db);
  return rows.rows;
}

export interface VersionRef {
  planId: string;
  version: number;
}

/**
 * Removes the content of these versions: the encrypted document and the warnings (which may
 * quote it). What stays is the row: ids, version, content hash, dates, when and why.
 */
export async function pruneVersionContent(
  trx: Tx,
  versions: readonly VersionRef[],
  at: Date,
  reason: PruneReason,
): Promise<number> {
  if (versions.length === 0) return 0;
  const result = await sql`
    update plan_versions v set document = null, warnings = '[]'::jsonb, pruned_at = ${at}, prune_reason = ${reason}
    from unnest(${versions.map((v) => v.planId)}::uuid[], ${versions.map((v) => v.version)}::int[]) as t(plan_id, version)
    where v.plan_id = t.plan_id and v.version = t.version and v.pruned_at is null`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** The signatures bound to these versions: their names and refusal reasons are content. */
export async function signaturesOf(
  db: Executor,
  versions: readonly VersionRef[],
): Promise<{ id: string; plan_id: string; signed: boolean }[]> {
  if (versions.length === 0) return [];
  const rows = await sql<{ id: string; plan_id: string; signed: boolean }>`
    select s.id, s.plan_id, s.signed from signatures s
    join unnest(${versions.map((v) => v.planId)}::uuid[], ${versions.map((v) => v.version)}::int[]) as t(plan_id, version)
      on s.plan_id = t.plan_id and s.version = t.version`.execute(db);
  return rows.rows;
}

/** Replaces signatures' names (signed) or reasons (refused) with the sealed values given. */
export async function replaceSignatureTexts(
  trx: Tx,
  replaced: readonly { id: string; signed: boolean; sealed: string }[],
): Promise<void> {
  if (replaced.length === 0) return;
  await sql`
    update signatures s set
      name = case when t.signed then t.sealed else s.name end,
      reason = case when t.signed then s.reason else t.sealed end
    from unnest(${replaced.map((r) => r.id)}::uuid[], ${replaced.map((r) => r.signed)}::boolean[],
      ${replaced.map((r) => r.sealed)}::text[]) as t(id, signed, sealed)
    where s.id = t.id`.execute(trx);
}

/**
 * For plans none of whose versions holds content any more: the records kept beside the
 * versions (deviations, consent changes) go, and so do the reason given for the plan's end and
 * the notes of changed cooperation (the event itself stays, as metadata).
 */
export async function pruneRecordsOfEmptiedPlans(trx: Tx, planIds: readonly string[]): Promise<string[]> {
  if (planIds.length === 0) return [];
  const emptied = await sql<{ id: string }>`
    select p.id from plans p where p.id = any(${planIds}::uuid[])
      and not exists (select 1 from plan_versions v where v.plan_id = p.id and v.pruned_at is null)`.execute(
    trx,
  );
  const ids = emptied.rows.map((row) => row.id);
  if (ids.length === 0) return [];
  await trx.deleteFrom('deviations').where('plan_id', 'in', ids).execute();
  await trx.deleteFrom('consent_records').where('plan_id', 'in', ids).execute();
  await trx.updateTable('plan_ends').set({ reason: null }).where('plan_id', 'in', ids).execute();
  await trx.updateTable('cooperation_events').set({ note: null }).where('plan_id', 'in', ids).execute();
  return ids;
}
