import type { FhirResource } from '../../adapters/fhir/fhir-types.js';
import { renderFhirBundle } from '../../adapters/fhir/index.js';
import { renderFinalDocumentPdf } from '../documents/final-document.js';
import { signatureRound } from '../domain/lifecycle/signatures.js';
import { signedContentHash } from '../domain/plan-hashes.js';
import type { Caller, ServiceContext } from './context.js';
import { readRecords, storedState } from './lifecycle.service.js';
import { getPlanVersion } from './plan-query.service.js';

/** One version of a plan as a FHIR R4 Bundle (Patient, CarePlan, Goals, ServiceRequests). */
export async function planAsFhirBundle(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  version?: number,
): Promise<{ version: number; bundle: FhirResource }> {
  const view = await getPlanVersion(ctx, caller, id, version);
  const bundle = renderFhirBundle(view.plan, {
    planId: view.id,
    version: view.version,
    lifecycleStatus: storedState(view.status),
    updatedAt: view.createdAt,
  });
  return { version: view.version, bundle };
}

/**
 * The final document (slutredigeringsdokument) of one version, as PDF bytes. Its signature
 * section is the version's signing round: the signatures the document carries and those
 * recorded through the API for its content, with a guardian's signature for the person shown
 * as such where the policy lets it count.
 */
export async function finalDocument(
  ctx: ServiceContext,
  caller: Caller,
  id: string,
  version?: number,
): Promise<{ version: number; pdf: Buffer }> {
  const view = await getPlanVersion(ctx, caller, id, version);
  const records = await readRecords(
    ctx.db,
    ctx,
    { id: view.id, organisation: caller.organisation },
    view.plan,
  );
  const signing = signatureRound({
    plan: view.plan,
    signedContentHash: signedContentHash(view.plan),
    sourceSystem: view.sourceSystem,
    policy: records.resolved.policy,
    recorded: records.signatures,
  });
  const pdf = await renderFinalDocumentPdf(view.plan, {
    planId: view.id,
    version: view.version,
    lifecycleStatus: view.status,
    generatedAt: ctx.clock(),
    signing,
  });
  return { version: view.version, pdf };
}
