import { type RawBuilder, sql } from 'kysely';
import { compiledOnce } from '../compiled-once.js';
import type { Executor } from '../database.js';
import type { PlanRow } from '../schema.js';

/**
 * The tables a plan's status is computed from besides `plans`, its current version and the
 * policies, each holding rows of one plan in `plan_id`. Whoever makes the status read another
 * table adds it here, or a status that changed would still be answered 304
 * (test/integration/lifecycle/status-etag.int.test.ts).
 */
const STATUS_RECORDS = [
  'signatures',
  'submissions',
  'plan_overdue',
  'plan_reviews',
  'cooperation_events',
  'consent_records',
  'legal_holds',
  'plan_ends',
  'need_evaluations',
] as const;

export type PlanWithStatusRevision = PlanRow & {
  /** Changes whenever a row the plan's status is computed from is written or removed. */
  status_revision: string;
};

/**
 * One of the organisation's plans with the revision of what its status is computed from, in
 * one statement and without reading any content. The revision lists the `xmin` of every row
 * the status reads: PostgreSQL gives a row a new `xmin` (the id of the transaction that wrote
 * it) on every insert and update, freezing and table rewrites keep it, and a removed row takes
 * its entry with it. Each table's list is sorted and keeps its place when empty, so the text
 * is the same as long as those rows are.
 */
export async function findPlanWithStatusRevision(
  db: Executor,
  organisation: string,
  id: string,
): Promise<PlanWithStatusRevision | undefined> {
  return (await readPlanWithStatusRevision(db, organisation, id))[0];
}

// Sent on every status poll: built once and sent prepared, so its columns are named.
const readPlanWithStatusRevision = compiledOnce((db: Executor, organisation: string, id: string) =>
  db
    .selectFrom('plans as p')
    .select([
      'p.id',
      'p.organisation',
      'p.source_system',
      'p.source_plan_id',
      'p.unit_id',
      'p.law',
      'p.service_type',
      'p.current_version',
      'p.status',
      'p.person_index',
      'p.created_at',
      'p.updated_at',
    ])
    .select(statusRevision().as('status_revision'))
    .where('p.organisation', '=', organisation)
    .where('p.id', '=', id),
);

export interface StatusRevisionRow {
  id: string;
  current_version: number;
  status_revision: string;
}

/** The status revisions of several of the organisation's plans in one statement; unknown ids are left out. */
export async function findStatusRevisions(
  db: Executor,
  organisation: string,
  ids: readonly string[],
): Promise<StatusRevisionRow[]> {
  return readStatusRevisions(db, organisation, ids);
}

// Sent for every batch of status polls (status-revision-batch.ts): built once, sent prepared.
const readStatusRevisions = compiledOnce((db: Executor, organisation: string, ids: readonly string[]) =>
  db
    .selectFrom('plans as p')
    .select(['p.id', 'p.current_version'])
    .select(statusRevision().as('status_revision'))
    .where('p.organisation', '=', organisation)
    .where('p.id', '=', sql<string>`any(${ids}::uuid[])`),
);

function statusRevision(): RawBuilder<string> {
  const records = STATUS_RECORDS.map((table) => xmins(sql`${sql.table(table)} r where r.plan_id = p.id`));
  return sql<string>`concat_ws(';',
    p.xmin::text,
    ${xmins(sql`plan_versions r where r.plan_id = p.id and r.version = p.current_version`)},
    ${sql.join(records, sql`, `)},
    ${xmins(sql`policies r where r.organisation = p.organisation and (r.unit_id is null or r.unit_id = p.unit_id)`)})`;
}

function xmins(rows: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`coalesce((select string_agg(r.xmin::text, ',' order by r.xmin::text) from ${rows}), '')`;
}
