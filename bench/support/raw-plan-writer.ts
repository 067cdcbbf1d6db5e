import { createHash, createHmac } from 'node:crypto';
import type pg from 'pg';

export interface RawPlan {
  organisation: string;
  sourcePlanId: string;
  unitId: string;
  law: string;
  serviceType: string;
  identityNumber: string;
  /** The canonical JSON, as the service stores it in plan_versions.document. */
  document: Buffer;
}

/** The tables a new plan's push writes one row each into; the benchmark checks the service against this list. */
export const RAW_TABLES = ['plans', 'plan_versions', 'plan_changes'] as const;

/**
 * The baseline: the rows the service writes for a new plan (see RAW_TABLES), with bare
 * `pg` in one transaction and nothing else (no parsing, validation, auth or HTTP).
 */
export async function insertRawPlan(pool: pg.Pool, plan: RawPlan, indexKey: string): Promise<void> {
  const client = await pool.connect();
  try {
    const now = new Date();
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO plans (organisation, source_system, source_plan_id, unit_id, law, service_type,
         current_version, status, person_index, created_at, updated_at)
       VALUES ($1, 'canonical', $2, $3, $4, $5, 1, 'draft', $6, $7, $7) RETURNING id`,
      [
        plan.organisation,
        plan.sourcePlanId,
        plan.unitId,
        plan.law,
        plan.serviceType,
        createHmac('sha256', indexKey).update(plan.identityNumber).digest('hex'),
        now,
      ],
    );
    const planId = rows[0]!.id;
    await client.query(
      `INSERT INTO plan_versions (plan_id, version, content_hash, document, warnings, source_system, created_at)
       VALUES ($1, 1, $2, $3, '[]', 'canonical', $4)`,
      [planId, createHash('sha256').update(plan.document).digest('hex'), plan.document, now],
    );
    await client.query(
      `INSERT INTO plan_changes (plan_id, organisation, version, kind, status, at)
       VALUES ($1, $2, 1, 'plan_created', 'draft', $3)`,
      [planId, plan.organisation, now],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
