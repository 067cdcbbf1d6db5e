import { UnrecoverableError } from 'bullmq';
import { renderFhirBundle } from '../../../adapters/fhir/index.js';
import { getFormatAdapter } from '../../../adapters/index.js';
import type { Plan } from '../../domain/plan.js';

/** What a delivery sends: the body and its Content-Type. */
export interface OutboundBody {
  body: Uint8Array | string;
  contentType: string;
}

/**
 * The plan as the receiving system reads it: its native format through the adapter
 * registry, or a FHIR R4 Bundle. The document id (Lifecare) is the submission's id, so
 * every retry sends the same bytes apart from the export time.
 */
export function renderForSystem(
  system: string,
  plan: Plan,
  meta: { planId: string; version: number; documentId: string; now: Date },
): OutboundBody {
  if (system === 'fhir') {
    const bundle = renderFhirBundle(plan, {
      planId: meta.planId,
      version: meta.version,
      lifecycleStatus: 'submitted',
      updatedAt: meta.now,
    });
    return {
      body: JSON.stringify(bundle),
      contentType: 'application/fhir+json; fhirVersion=4.0; charset=utf-8',
    };
  }
  const adapter = getFormatAdapter(system);
  if (!adapter) throw new UnrecoverableError(`no format adapter for the destination's system "${system}"`);
  const rendered = adapter.render(plan, { now: meta.now, documentId: meta.documentId });
  if (!rendered.ok) {
    const paths = [...new Set(rendered.issues.map((issue) => issue.path))].join(', ');
    throw new UnrecoverableError(`the plan cannot be rendered for ${system}: ${paths}`);
  }
  return { body: rendered.body, contentType: adapter.contentType };
}

/** A small JSON body for events without a document; never a name or an identity number. */
export function jsonBody(value: Record<string, unknown>): OutboundBody {
  return { body: JSON.stringify(value), contentType: 'application/json; charset=utf-8' };
}
