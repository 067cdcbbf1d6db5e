import type { ConsentRecord } from '../../domain/lifecycle/consents.js';
import type { Deviation } from '../../domain/lifecycle/deviations.js';
import type { Executor, Tx } from '../database.js';
import { calendarDateText } from './lifecycle.repository.js';

/** Records about a plan that live outside its versions: deviations and events, consent changes. */
export interface RecordedBy {
  planId: string;
  recordedBy: string;
  recordedAt: Date;
}

export interface StoredDeviation extends Deviation {
  id: string;
  recordedBy: string;
  recordedAt: Date;
}

export async function insertDeviation(
  trx: Tx,
  deviation: Deviation,
  by: RecordedBy,
): Promise<StoredDeviation> {
  const row = await trx
    .insertInto('deviations')
    .values({
      plan_id: by.planId,
      kind: deviation.kind,
      date: deviation.date,
      text: deviation.text,
      recorded_by: by.recordedBy,
      recorded_at: by.recordedAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return { ...deviation, id: row.id, recordedBy: by.recordedBy, recordedAt: by.recordedAt };
}

/** Deviations and events dated within [from, before), in the order they were recorded. */
export async function listDeviations(
  db: Executor,
  planId: string,
  range: { from: string; before: string },
): Promise<StoredDeviation[]> {
  const rows = await db
    .selectFrom('deviations')
    .select(['id', 'kind', 'text', 'recorded_by', 'recorded_at'])
    .select(calendarDateText('date').as('date'))
    .where('plan_id', '=', planId)
    .where('date', '>=', range.from)
    .where('date', '<', range.before)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    date: row.date,
    text: row.text,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  }));
}

export async function insertConsentRecord(trx: Tx, record: ConsentRecord, by: RecordedBy): Promise<void> {
  await trx
    .insertInto('consent_records')
    .values({
      plan_id: by.planId,
      covers: record.covers,
      given: record.given,
      date: record.date,
      recorded_by: by.recordedBy,
      recorded_at: by.recordedAt,
    })
    .execute();
}

/** Every renewal and withdrawal recorded for the plan, oldest first. */
export async function listConsentRecords(db: Executor, planId: string): Promise<ConsentRecord[]> {
  const rows = await db
    .selectFrom('consent_records')
    .select(['covers', 'given'])
    .select(calendarDateText('date').as('date'))
    .where('plan_id', '=', planId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ covers: row.covers, given: row.given, date: row.date }));
}
