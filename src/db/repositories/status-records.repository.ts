import { jsonArrayFrom } from 'kysely/helpers/postgres';
import {
  needEvaluationsQuery,
  type StoredNeedEvaluation,
  toStoredNeedEvaluation,
} from '../../delivery/need-evaluations/need-evaluations.repository.js';
import type { Executor } from '../database.js';
import { type HoldSummary, legalHoldsQuery } from './legal-holds.repository.js';

/** What a plan's status shows beside its lifecycle: its legal holds and its need evaluations. */
export interface StatusRecords {
  holds: HoldSummary[];
  needEvaluations: StoredNeedEvaluation[];
}

/** The plan's holds and need evaluations in one round trip (the status is read often). */
export async function readStatusRecords(db: Executor, planId: string): Promise<StatusRecords> {
  const read = await db
    .selectNoFrom([
      jsonArrayFrom(legalHoldsQuery(db, planId)).as('holds'),
      jsonArrayFrom(needEvaluationsQuery(db, planId)).as('needEvaluations'),
    ])
    .executeTakeFirstOrThrow();
  return {
    holds: read.holds.map((hold) => ({ id: hold.id, createdAt: new Date(hold.created_at) })),
    needEvaluations: read.needEvaluations.map(toStoredNeedEvaluation),
  };
}
