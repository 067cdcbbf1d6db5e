import type { Clock } from '../../../src/domain/lifecycle/deadlines.js';
import {
  deriveLifecycle,
  type Lifecycle,
  type ReceiptRecord,
  type SubmissionRecord,
} from '../../../src/domain/lifecycle/lifecycle.js';
import type { RecordedSignature } from '../../../src/domain/lifecycle/signatures.js';
import { parseCanonicalPlan } from '../../../src/domain/parse-plan.js';
import type { Plan, Signature } from '../../../src/domain/plan.js';
import type { Policy } from '../../../src/domain/policy/policy.js';
import { presetPolicy } from '../../../src/domain/policy/presets.js';

// A complete home-care plan (routine 000), established and communicated, not yet signed.
// The identity number is the invented one of formats/examples.
const homeCare = {
  plan: {
    sourcePlanId: '100482',
    law: 'SoL',
    serviceType: { code: 'HEMTJANST', name: 'hemtjänst' },
    municipalityCode: '1980',
    unit: { id: 'HT-VAST-02', name: 'Hemtjänst Väster' },
  },
  person: { identityNumber: '193808149821', givenName: 'Astrid', familyName: 'Lindqvist' },
  contactPerson: { name: 'Maria Johansson', title: 'Undersköterska' },
  dates: {
    interventionStart: '2025-03-03',
    drawnUp: '2025-03-12',
    established: '2025-03-14',
    communicated: '2025-03-14',
    nextFollowUp: '2025-09-14',
  },
  participation: {
    howPersonTookPart: 'Astrid deltog i planeringssamtalet hemma.',
    otherParticipants: [{ name: 'Karin Lindqvist', titleOrRelation: 'dotter' }],
  },
  interventions: [
    {
      decisionId: 'B-2025-0871',
      name: 'Personlig omvårdnad',
      legalBasis: 'SoL 4 kap. 1 §',
      orderedGoal: 'Astrid ska kunna bo kvar hemma.',
      individualGoal: 'Jag vill kunna duscha utan att vara rädd.',
      plannedGoal: 'Astrid duschar tisdag och fredag med stöd.',
      scope: '2 besök per dag',
      when: 'Morgon kl. 08.00–08.30',
      where: 'I Astrids lägenhet',
      how: 'Knacka och vänta på svar.',
    },
  ],
  otherInformation: 'Nyckel finns i nyckelgömma.',
  plannerNotification: 'Morgonbesök kopplas till ordinarie personal.',
};

function parsed(input: unknown): Plan {
  const result = parseCanonicalPlan(input);
  if (!result.ok) throw new Error(`fixture is not a valid plan: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

/** A valid, complete, established and communicated home-care plan. */
export function homeCarePlan(change: (plan: Plan) => void = () => {}): Plan {
  const plan = parsed(structuredClone(homeCare));
  change(plan);
  return plan;
}

/** A valid, complete LSS group-home plan (routine 003). */
export function lssPlan(change: (plan: Plan) => void = () => {}): Plan {
  return homeCarePlan((plan) => {
    plan.plan.law = 'LSS';
    plan.plan.serviceType = {
      code: 'LSS_BOSTAD_VUXNA',
      name: 'bostad med särskild service för vuxna (LSS 9 § 9)',
    };
    plan.plannerNotification = undefined;
    change(plan);
  });
}

export const signed = (role: Signature['role'], name: string, date = '2025-03-17'): Signature => ({
  role,
  signed: true,
  name,
  date,
  method: 'paper',
});

export const refused = (role: Signature['role'], reason: string): Signature => ({
  role,
  signed: false,
  reason,
});

export const clockAt = (iso: string): Clock => ({ now: () => new Date(iso) });

export function lifecycleOf(
  plan: Plan,
  options: {
    policy?: Policy;
    sourceSystem?: string;
    contentHash?: string;
    signatures?: RecordedSignature[];
    submissions?: SubmissionRecord[];
    receipts?: ReceiptRecord[];
  } = {},
): Lifecycle {
  return deriveLifecycle({
    plan,
    contentHash: options.contentHash ?? 'content-v1',
    sourceSystem: options.sourceSystem ?? 'procapita',
    policy: options.policy ?? presetPolicy('omsorg'),
    signatures: options.signatures ?? [],
    submissions: options.submissions ?? [],
    receipts: options.receipts ?? [],
    reviews: [],
    cooperation: [],
  });
}
