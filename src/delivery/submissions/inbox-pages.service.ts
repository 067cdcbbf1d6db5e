import { findPlanVersion } from '../../db/repositories/plans.repository.js';
import { renderFinalDocumentPdf } from '../../documents/final-document.js';
import { checkIdentityNumber } from '../../domain/identity-number.js';
import type { Plan, Signature } from '../../domain/plan.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import { badRequest, notFound } from '../../services/errors.js';
import { decodeDocument, readRecords } from '../../services/lifecycle.service.js';
import { personIndex } from '../../services/plan-content.js';
import { findInboxItem, type InboxFilter, listInboxEntries } from './submissions.repository.js';
import { type SubmissionView, submissionView } from './submissions.service.js';

/** Rows on one page of the case officer's inbox. */
export const INBOX_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One row of the inbox as the case officer sees it. */
export interface InboxRow {
  id: string;
  /** The name of the person the plan is about; null once the version's content is pruned. */
  personName: string | null;
  unitName: string | null;
  sourceSystem: string;
  version: number;
  submittedAt: Date;
  acknowledged: boolean;
}

export interface InboxPage {
  rows: InboxRow[];
  page: number;
  hasNext: boolean;
}

/**
 * A page (1-based) of the submissions to the caller's organisation's inbox, waiting ones
 * first; with `identityNumber`, only those about that person (found through the blind index).
 */
export async function browseInbox(
  ctx: ServiceContext,
  caller: Caller,
  options: { filter: InboxFilter; page: number; identityNumber?: string },
): Promise<InboxPage> {
  if (options.identityNumber !== undefined && !checkIdentityNumber(options.identityNumber).ok) {
    throw badRequest('The personnummer is not valid', [
      { path: '/personnummer', message: 'must be a valid 12-digit personnummer or samordningsnummer' },
    ]);
  }
  const entries = await listInboxEntries(ctx.db, caller.organisation, {
    filter: options.filter,
    ...(options.identityNumber !== undefined && {
      personIndex: personIndex(ctx.indexKey, options.identityNumber),
    }),
    limit: INBOX_PAGE_SIZE + 1,
    offset: (options.page - 1) * INBOX_PAGE_SIZE,
  });
  return {
    page: options.page,
    hasNext: entries.length > INBOX_PAGE_SIZE,
    rows: entries.slice(0, INBOX_PAGE_SIZE).map((entry) => {
      const plan =
        entry.document === null
          ? null
          : ctx.codec.decode(entry.document, { planId: entry.planId, version: entry.version });
      return {
        id: entry.id,
        personName: plan && `${plan.person.givenName} ${plan.person.familyName}`,
        unitName: plan?.plan.unit.name ?? null,
        sourceSystem: entry.sourceSystem,
        version: entry.version,
        submittedAt: entry.createdAt,
        acknowledged: entry.status === 'acknowledged',
      };
    }),
  };
}

/** A submission in the caller's inbox with the plan version it submitted. */
export interface InboxPlan {
  submission: SubmissionView;
  plan: Plan;
}

/** The submitted plan behind an inbox item; another organisation's item is not found, whatever its id. */
export async function readInboxPlan(ctx: ServiceContext, caller: Caller, id: string): Promise<InboxPlan> {
  if (!UUID.test(id)) throw notFound('The inbox item');
  const submission = await findInboxItem(ctx.db, caller.organisation, id);
  if (!submission || (submission.status !== 'delivered' && submission.status !== 'acknowledged')) {
    throw notFound('The inbox item');
  }
  const stored = await findPlanVersion(ctx.db, submission.plan_id, submission.version);
  if (!stored) throw notFound('The inbox item');
  const plan = decodeDocument(ctx, submission.plan_id, stored);
  return {
    submission: submissionView(submission),
    plan: await withRecordedSignatures(ctx, caller, submission, plan),
  };
}

/**
 * The version's document with the signatures recorded for it through the API as well, so the
 * case officer sees every signature of the round the plan was submitted with.
 */
async function withRecordedSignatures(
  ctx: ServiceContext,
  caller: Caller,
  submission: { plan_id: string; version: number },
  plan: Plan,
): Promise<Plan> {
  const { signatures } = await readRecords(
    ctx.db,
    ctx,
    { id: submission.plan_id, organisation: caller.organisation },
    plan,
  );
  const recorded: Signature[] = signatures
    .filter((stored) => stored.version === submission.version && stored.source === 'api')
    .map(
      ({ version: _version, recordedAt: _at, signedContentHash: _hash, source: _source, ...signature }) =>
        signature,
    );
  return { ...plan, signatures: [...plan.signatures, ...recorded] };
}

/** The final document (slutredigeringsdokument) of the submitted version, as PDF bytes. */
export async function inboxPlanDocument(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
): Promise<{ submission: SubmissionView; pdf: Buffer }> {
  const { submission, plan } = await readInboxPlan(ctx, caller, id);
  const pdf = await renderFinalDocumentPdf(plan, {
    planId: submission.planId,
    version: submission.version,
    lifecycleStatus: submission.status === 'acknowledged' ? 'acknowledged' : 'submitted',
    generatedAt: ctx.clock(),
  });
  return { submission, pdf };
}
