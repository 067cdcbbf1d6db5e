import type { ConsentRecord } from '../../domain/lifecycle/consents.js';
import type { Cooperation } from '../../domain/lifecycle/cooperation.js';
import type { Deviation } from '../../domain/lifecycle/deviations.js';
import type { Review } from '../../domain/lifecycle/reviews.js';
import type { Executor, Tx } from '../database.js';
import { calendarDateText } from './lifecycle.repository.js';

/** Records about a plan that live outside its versions: deviations and events, consent changes, reviews. */
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

export interface StoredReview extends Review {
  id: string;
  recordedBy: string;
  recordedAt: Date;
}

export async function insertReview(trx: Tx, review: Review, by: RecordedBy): Promise<StoredReview> {
  const row = await trx
    .insertInto('plan_reviews')
    .values({
      plan_id: by.planId,
      kind: review.kind,
      date: review.date,
      by_name: review.by.name,
      by_title: review.by.title,
      recorded_by: by.recordedBy,
      recorded_at: by.recordedAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return { ...review, id: row.id, recordedBy: by.recordedBy, recordedAt: by.recordedAt };
}

/** The plan's reviews as a query to nest in a larger read (toStoredReview reads the rows), oldest first. */
export function reviewsQuery(db: Executor, planId: string) {
  return db
    .selectFrom('plan_reviews')
    .select(['id', 'kind', 'by_name', 'by_title', 'recorded_by', 'recorded_at'])
    .select(calendarDateText('date').as('date'))
    .where('plan_id', '=', planId)
    .orderBy('seq');
}

export function toStoredReview(row: {
  id: string;
  kind: 'personal-details';
  date: string;
  by_name: string;
  by_title: string;
  recorded_by: string;
  recorded_at: Date | string;
}): StoredReview {
  return {
    id: row.id,
    kind: row.kind,
    date: row.date,
    by: { name: row.by_name, title: row.by_title },
    recordedBy: row.recorded_by,
    recordedAt: new Date(row.recorded_at),
  };
}

/** Every review recorded for the plan, oldest first. */
export async function listReviews(db: Executor, planId: string): Promise<StoredReview[]> {
  return (await reviewsQuery(db, planId).execute()).map(toStoredReview);
}

export interface StoredCooperation extends Cooperation {
  id: string;
  recordedBy: string;
  recordedAt: Date;
}

/** Inserts a changed cooperation; its note, when there is one, already sealed by the caller. */
export async function insertCooperation(
  trx: Tx,
  cooperation: Cooperation,
  by: RecordedBy,
): Promise<StoredCooperation> {
  const row = await trx
    .insertInto('cooperation_events')
    .values({
      plan_id: by.planId,
      kind: cooperation.kind,
      date: cooperation.date,
      parties: JSON.stringify(cooperation.parties),
      note: cooperation.note ?? null,
      recorded_by: by.recordedBy,
      recorded_at: by.recordedAt,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return { ...cooperation, id: row.id, recordedBy: by.recordedBy, recordedAt: by.recordedAt };
}

/** The plan's changed cooperation as the rules need it (kind, date), to nest in a larger read. */
export function cooperationQuery(db: Executor, planId: string) {
  return db
    .selectFrom('cooperation_events')
    .select('kind')
    .select(calendarDateText('date').as('date'))
    .where('plan_id', '=', planId)
    .orderBy('seq');
}

/** Every changed cooperation recorded for the plan, oldest first; notes still sealed. */
export async function listCooperation(db: Executor, planId: string): Promise<StoredCooperation[]> {
  const rows = await db
    .selectFrom('cooperation_events')
    .select(['id', 'kind', 'parties', 'note', 'recorded_by', 'recorded_at'])
    .select(calendarDateText('date').as('date'))
    .where('plan_id', '=', planId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    date: row.date,
    parties: row.parties,
    ...(row.note !== null && { note: row.note }),
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  }));
}
