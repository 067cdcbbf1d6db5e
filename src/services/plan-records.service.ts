import type { Executor } from '../db/database.js';
import {
  insertConsentRecord,
  insertDeviation,
  listConsentRecords,
  listDeviations,
  type StoredDeviation,
} from '../db/repositories/plan-records.repository.js';
import { findPlan } from '../db/repositories/plans.repository.js';
import { addMonths, stockholmDate } from '../domain/calendar-date.js';
import type { ConsentRecord, ConsentStatus } from '../domain/lifecycle/consents.js';
import { mergeConsents } from '../domain/lifecycle/consents.js';
import {
  type Deviation,
  type MonthlyCompilation,
  monthlyCompilation,
  monthToCompile,
} from '../domain/lifecycle/deviations.js';
import type { Caller, ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { currentVersion } from './lifecycle.service.js';
import {
  openConsentCovers,
  openDeviationText,
  sealConsentCovers,
  sealDeviationText,
} from './personal-fields.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownPlanId(db: Executor, caller: Caller, id: string) {
  if (!UUID.test(id)) throw notFound('The plan');
  const row = await findPlan(db, caller.organisation, id);
  if (!row) throw notFound('The plan');
  return row;
}

/** Routine 003, daily: a deviation from the plan or an event of importance (avvikelse, händelse av vikt). */
export async function recordDeviation(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  deviation: Deviation,
): Promise<StoredDeviation> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await ownPlanId(trx, caller, id);
    const by = { planId: row.id, recordedBy: caller.clientId, recordedAt: ctx.clock() };
    const stored = await insertDeviation(
      trx,
      { ...deviation, text: sealDeviationText(ctx.cipher, row.id, deviation.text) },
      by,
    );
    return { ...stored, text: deviation.text };
  });
}

/**
 * Routine 003, monthly: the kontaktman's compilation of one month (`YYYY-MM`); without a
 * month, the one before today's (run on the 1st, it covers the month just ended).
 */
export async function deviationsOfMonth(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  month: string | undefined,
): Promise<MonthlyCompilation<StoredDeviation> & { planId: string }> {
  const row = await ownPlanId(ctx.db, caller, id);
  const wanted = month ?? monthToCompile(stockholmDate(ctx.clock()));
  const from = `${wanted}-01`;
  const stored = await listDeviations(ctx.db, row.id, { from, before: addMonths(from, 1) });
  const opened = stored.map((d) => ({ ...d, text: openDeviationText(ctx.cipher, row.id, d.text) }));
  return { planId: row.id, ...monthlyCompilation(opened, wanted) };
}

/**
 * Routine 003: "Kund erbjuds att förnya alternativt återta samtycken". The record lives
 * outside the versions, so later versions show it too. Returns the merged consents.
 */
export async function recordConsent(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  record: ConsentRecord,
): Promise<{ planId: string; consents: ConsentStatus[] }> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await ownPlanId(trx, caller, id);
    const by = { planId: row.id, recordedBy: caller.clientId, recordedAt: ctx.clock() };
    await insertConsentRecord(
      trx,
      { ...record, covers: sealConsentCovers(ctx.cipher, row.id, record.covers) },
      by,
    );
    const current = await currentVersion(trx, ctx, row);
    const records = await readConsentRecords(trx, ctx, row.id);
    return { planId: row.id, consents: mergeConsents(current.plan.consents, records) };
  });
}

/** Every renewal and withdrawal recorded for the plan, oldest first, wording opened. */
export async function readConsentRecords(
  db: Executor,
  ctx: ServiceContext,
  planId: string,
): Promise<ConsentRecord[]> {
  const records = await listConsentRecords(db, planId);
  return records.map((r) => ({ ...r, covers: openConsentCovers(ctx.cipher, planId, r.covers) }));
}
