import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceContext } from '../../../src/app.js';
import { groupCommit } from '../../../src/db/group-commit.js';
import { generateWebhookSecret } from '../../../src/delivery/contract/webhook-signature.js';
import {
  recordSubmissionOutcome,
  recordSubmissionOutcomes,
  type SubmissionOutcome,
} from '../../../src/delivery/submissions/submissions.service.js';
import { bearer, createTestApp, type TestApp } from '../../helpers/app.js';
import { validPlan } from '../../helpers/plans.js';
import { isolatedDatabase } from '../../helpers/scratch-database.js';
import { INDEX_KEY, runPrefix } from './support.js';

// Delivery outcomes of many jobs recorded in one transaction (what the workers' group commit
// does), against a database of this file's own; no relay or workers run, so submissions stay
// queued until a test records them.
let database: Awaited<ReturnType<typeof isolatedDatabase>>;
let t: TestApp;
let nextOrganisation = 2700;

beforeAll(async () => {
  database = await isolatedDatabase('outcomes');
  t = await createTestApp({
    env: {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: runPrefix('outcomes'),
      PLANBRYGGA_INDEX_KEY: INDEX_KEY,
    },
  });
});

afterAll(async () => {
  await t?.close();
  await database?.drop();
});

/** Signed plans of a new organisation with two submission destinations, submitted: their queued submissions. */
async function queuedSubmissions(plans: number) {
  const code = String(nextOrganisation++);
  const authorization = await bearer(t.deps, code, ['admin']);
  const call = async (url: string, payload?: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: { authorization }, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  for (const path of ['/a', '/b']) {
    await call('/v1/admin/destinations', {
      kind: 'submission',
      system: 'lifecare',
      url: `http://127.0.0.1:9${path}`,
      secret: generateWebhookSecret(),
    });
  }
  const planIds: string[] = [];
  for (let i = 0; i < plans; i++) {
    const base = validPlan({ municipalityCode: code, sourcePlanId: `OUT-${i}` });
    const { id } = await call('/v1/plans', { ...base, dates: { ...base.dates, communicated: '2025-01-17' } });
    await call(`/v1/plans/${id}/submissions`);
    planIds.push(id);
  }
  return database.db
    .selectFrom('submissions')
    .select(['id', 'plan_id', 'version', 'destination_id', 'status'])
    .where('plan_id', 'in', planIds)
    .orderBy('id')
    .execute();
}

function delivered(submission: {
  id: string;
  plan_id: string;
  version: number;
  destination_id: string | null;
}): SubmissionOutcome {
  const jobId = `msg_${randomUUID().replaceAll('-', '')}`;
  return {
    submissionId: submission.id,
    outcome: 'delivered',
    requestId: undefined,
    sent: {
      start: {
        destinationId: submission.destination_id!,
        jobName: 'submission.deliver',
        jobId,
        planId: submission.plan_id,
        version: submission.version,
        webhookId: jobId,
      },
      attempt: { status: 'delivered', statusCode: 204, error: null },
      at: new Date(),
    },
  };
}

async function submittedTransitions(planIds: string[]) {
  return database.db
    .selectFrom('lifecycle_transitions')
    .select(['plan_id'])
    .where('plan_id', 'in', planIds)
    .where('to_state', '=', 'submitted')
    .execute();
}

describe('delivery outcomes recorded together', () => {
  it('of several plans, two submissions each, in one transaction: each submission and attempt once, each plan submitted once', async () => {
    const submissions = await queuedSubmissions(3);
    expect(submissions).toHaveLength(6);
    const planIds = [...new Set(submissions.map((s) => s.plan_id))];
    const outcomes = submissions.map(delivered);
    await recordSubmissionOutcomes(serviceContext(t.deps), outcomes);

    const after = await database.db
      .selectFrom('submissions')
      .select(['status', 'delivered_at'])
      .where('plan_id', 'in', planIds)
      .execute();
    expect(after.map((s) => s.status)).toEqual(Array(6).fill('delivered'));
    const plans = await database.db.selectFrom('plans').select('status').where('id', 'in', planIds).execute();
    expect(plans.map((p) => p.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(await submittedTransitions(planIds)).toHaveLength(3);
    const attempts = () =>
      database.db
        .selectFrom('deliveries')
        .select(['job_id', 'attempts', 'status', 'webhook_id', 'delivered_at'])
        .where('plan_id', 'in', planIds)
        .execute();
    const recorded = await attempts();
    expect(recorded).toHaveLength(6);
    for (const row of recorded) {
      expect(row).toMatchObject({ attempts: 1, status: 'delivered', webhook_id: row.job_id });
      expect(row.delivered_at).toBeInstanceOf(Date);
    }

    // The same outcomes again (a job run twice, an ack lost after the commit): nothing changes.
    await recordSubmissionOutcomes(serviceContext(t.deps), outcomes);
    expect(await attempts()).toEqual(expect.arrayContaining(recorded));
    expect(await submittedTransitions(planIds)).toHaveLength(3);
  });

  it('through the group commit: a bad item fails alone, the others of its group are recorded', async () => {
    const [good, other, bad] = await queuedSubmissions(2);
    const ctx = serviceContext(t.deps);
    const record = groupCommit<SubmissionOutcome>({
      commit: (items) => recordSubmissionOutcomes(ctx, items),
      alone: (item) => recordSubmissionOutcome(ctx, item),
      maxItems: 10,
    });
    const broken = delivered(bad!);
    // A destination that does not exist: its attempt cannot be recorded.
    broken.sent!.start.destinationId = randomUUID();
    const results = await Promise.allSettled([
      record(delivered(good!)),
      record(delivered(other!)),
      record(broken),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const statuses = await database.db
      .selectFrom('submissions')
      .select(['id', 'status'])
      .where('id', 'in', [good!.id, other!.id, bad!.id])
      .execute();
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [good!.id]: 'delivered',
      [other!.id]: 'delivered',
      [bad!.id]: 'queued',
    });
  });
});
