import { sql } from 'kysely';
import type { Executor, Tx } from '../database.js';

/**
 * The start of a Stockholm calendar day as an instant: what "pruned before that day" and
 * "written before that day" compare with.
 */
const dayStart = (date: string) => sql<Date>`(${date}::date)::timestamp at time zone 'Europe/Stockholm'`;

/** What makes a plan's metadata due to go: no content held, all of it pruned before the day, no hold. */
const expiredPlan = (day: string) => sql<boolean>`
  not exists (select 1 from plan_versions v where v.plan_id = p.id
    and (v.pruned_at is null or v.pruned_at >= ${dayStart(day)}))
  and not exists (select 1 from legal_holds h where h.plan_id = p.id)`;

/**
 * Ids of plans after `afterId` whose content was all pruned before `day` (a Stockholm date),
 * not under a legal hold, in id order: the batches of metadata removal. Found through the
 * versions pruned before the day (plan_versions_pruned_at_idx).
 */
export async function plansPrunedBefore(
  db: Executor,
  day: string,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select p.id from plans p
    where p.id in (select plan_id from plan_versions where pruned_at < ${dayStart(day)})
      and (${afterId}::uuid is null or p.id > ${afterId}::uuid)
      and ${expiredPlan(day)}
    order by p.id limit ${limit}`.execute(db);
  return rows.rows.map((row) => row.id);
}

/**
 * Deletes these plans (locked by the caller) if they are still due, and with them, by cascade,
 * everything kept about them: versions, lifecycle, change feed, submissions and receipts,
 * deliveries, ends, and the blind index of the person (`plans.person_index`). Returns the
 * plans deleted with their organisation.
 */
export async function deletePlanMetadata(
  trx: Tx,
  planIds: readonly string[],
  day: string,
): Promise<{ id: string; organisation: string }[]> {
  if (planIds.length === 0) return [];
  const rows = await sql<{ id: string; organisation: string }>`
    delete from plans p where p.id = any(${planIds}::uuid[]) and ${expiredPlan(day)}
    returning p.id, p.organisation`.execute(trx);
  return rows.rows;
}

/**
 * Removes up to `limit` audit entries written before `day` (a Stockholm date), oldest first,
 * through `audit_log_expire` (migrations/1795434310000-audit-expiry.ts), which never removes one
 * less than a year old by the database's clock. Returns how many went.
 */
export async function expireAuditEntries(db: Executor, day: string, limit: number): Promise<number> {
  const { rows } = await sql<{ removed: number }>`
    select audit_log_expire(${dayStart(day)}, ${limit}) as removed`.execute(db);
  return rows[0]?.removed ?? 0;
}

/** How many audit entries `expireAuditEntries` would remove, for a dry run. */
export async function countExpiredAuditEntries(db: Executor, day: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from audit_log
    where at < least(${dayStart(day)}, now() - interval '365 days')`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
