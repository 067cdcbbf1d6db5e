/** The systems the convert and validate commands read and write, looked up by their flag value. */

import type { LifecycleStatus } from '../../../adapters/fhir/index.js';
import { renderFhirBundle } from '../../../adapters/fhir/index.js';
import { formatAdapters, getFormatAdapter } from '../../../adapters/index.js';
import type { FormatAdapter, RenderOutcome } from '../../../adapters/types.js';
import type { Plan } from '../../domain/plan.js';
import { UsageError } from '../usage-error.js';

/** What a document is converted into: a native format, or the FHIR Bundle (export only). */
export interface TargetFormat {
  system: string;
  fileExtension: string;
  render(plan: Plan, now: Date): RenderOutcome;
}

const SOURCE_NAMES = Object.keys(formatAdapters);
const TARGET_NAMES = [...SOURCE_NAMES, 'fhir'];

export function sourceFormat(name: string | undefined): FormatAdapter {
  const adapter = name === undefined ? undefined : getFormatAdapter(name);
  if (!adapter) throw new UsageError(`--from must be one of ${SOURCE_NAMES.join(', ')}`);
  return adapter;
}

export function targetFormat(name: string | undefined): TargetFormat {
  if (name === 'fhir') return FHIR_TARGET;
  const adapter = name === undefined ? undefined : getFormatAdapter(name);
  if (!adapter) throw new UsageError(`--to must be one of ${TARGET_NAMES.join(', ')}`);
  return {
    system: adapter.system,
    fileExtension: adapter.fileExtension,
    render: (plan, now) => adapter.render(plan, { now }),
  };
}

/**
 * Outside the store a plan has no planbrygga id, version or lifecycle, so the Bundle uses the
 * source plan id, version 1, and the state its dates show.
 */
const FHIR_TARGET: TargetFormat = {
  system: 'fhir',
  fileExtension: 'json',
  render: (plan, now) => {
    const bundle = renderFhirBundle(plan, {
      planId: plan.plan.sourcePlanId,
      version: 1,
      lifecycleStatus: statusFromDates(plan),
      updatedAt: now,
    });
    return { ok: true, body: Buffer.from(`${JSON.stringify(bundle, null, 2)}\n`) };
  },
};

function statusFromDates(plan: Plan): LifecycleStatus {
  if (plan.dates.communicated) return 'communicated';
  if (plan.dates.established) return 'established';
  return 'draft';
}
