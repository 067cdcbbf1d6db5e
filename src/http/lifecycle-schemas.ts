import { z } from 'zod';
import { SIGNATURE_ROLES } from '../domain/codes.js';
import { COOPERATION_KINDS } from '../domain/lifecycle/cooperation.js';
import { OVERDUE_CODES } from '../domain/lifecycle/deadlines.js';
import { PLAN_STATES } from '../domain/lifecycle/lifecycle.js';
import { REVIEW_KINDS } from '../domain/lifecycle/reviews.js';
import { signatureSchema } from '../domain/plan.js';
import { policySchema } from '../domain/policy/policy.js';

const date = z.string().describe('A Stockholm calendar date, YYYY-MM-DD');
const missingItem = z.object({ key: z.string(), wording: z.string(), paths: z.array(z.string()) });

export const overdueReasonSchema = z
  .object({ code: z.enum(OVERDUE_CODES), dueOn: date, overdueSince: date })
  .meta({ id: 'OverdueReason' });

export const consentStatusSchema = z
  .object({
    covers: z.string(),
    given: z.boolean(),
    date,
    source: z.enum(['plan', 'record']),
    history: z.array(z.object({ given: z.boolean(), date, source: z.enum(['plan', 'record']) })),
  })
  .meta({ id: 'ConsentStatus' });

const reviewer = z.object({ name: z.string(), title: z.string() });

export const personalDetailsReviewStatusSchema = z
  .object({
    state: z
      .enum(['not_required', 'missing', 'done'])
      .describe('not_required: the policy asks for no review; missing: the current occasion has none yet'),
    occasionFrom: date
      .nullable()
      .describe("The current version's drawn-up date: a review on or after it counts for this occasion"),
    dueBy: date
      .nullable()
      .describe('established + personalDetailsReviewWithinDays; overdue (personal-details-review) after it'),
    review: z
      .object({
        kind: z.enum(REVIEW_KINDS),
        date,
        by: reviewer.optional().describe('Left out for a client without plans:read'),
      })
      .nullable()
      .describe('The latest review of the occasion'),
  })
  .meta({
    id: 'PersonalDetailsReviewStatus',
    description:
      'Routine 000: the kontaktman checks "Uppgifter och övrig information" at establishment and follow-up',
  });

export const storedReviewSchema = z
  .object({
    id: z.uuid(),
    planId: z.uuid(),
    kind: z.enum(REVIEW_KINDS),
    date,
    by: reviewer,
    recordedBy: z.string(),
    recordedAt: z.iso.datetime(),
  })
  .meta({ id: 'Review' });

export const reviewListSchema = z
  .object({ planId: z.uuid(), reviews: z.array(storedReviewSchema.omit({ planId: true })) })
  .meta({ id: 'ReviewList' });

const followUpSchema = z.object({
  date,
  source: z
    .enum(['plan', 'policy', 'cooperation'])
    .describe("cooperation: a changed external cooperation's revision is the earliest"),
  planDate: date,
  policyLatest: date,
  policyCountsFrom: z.enum(['established', 'drawn_up']),
  cooperation: z
    .object({ event: z.object({ kind: z.enum(COOPERATION_KINDS), date }), dueBy: date })
    .optional()
    .describe('A changed cooperation (samverkansmöte, SIP) no established version has answered yet'),
});

export const storedCooperationSchema = z
  .object({
    id: z.uuid(),
    planId: z.uuid(),
    kind: z.enum(COOPERATION_KINDS),
    date,
    parties: z.array(z.string()),
    note: z.string().optional(),
    recordedBy: z.string(),
    recordedAt: z.iso.datetime(),
    followUp: followUpSchema.nullable().describe("The plan's follow-up now; null for an ended plan"),
  })
  .meta({ id: 'Cooperation' });

const recordedSignature = z.object({
  role: z.enum(SIGNATURE_ROLES),
  signed: z.boolean(),
  name: z.string().optional(),
  date: date.optional(),
  method: z.string().optional(),
  reason: z.string().optional(),
  version: z.number().int(),
  signedContentHash: z.string(),
  source: z.enum(['document', 'api']),
  current: z.boolean().describe("Bound to the current version's content: counts in the current round"),
  recordedAt: z.iso.datetime(),
});

export const planStatusSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    status: z.enum(PLAN_STATES),
    sourceSystem: z.string(),
    unitId: z.string(),
    dates: z.record(z.string(), z.string()).nullable(),
    waitingFor: z.array(
      z.object({
        code: z.string(),
        missing: z.array(missingItem).optional(),
        roles: z.array(z.string()).optional(),
        submissionId: z.string().optional(),
      }),
    ),
    missingContent: z.array(missingItem),
    deadlines: z
      .object({
        establishBy: date,
        followUp: followUpSchema,
        signaturesDueBy: date.optional(),
        signOffReminderOn: date.optional(),
      })
      .nullable(),
    overdue: z.array(overdueReasonSchema),
    signatures: z.array(recordedSignature),
    signing: z
      .object({
        signedContentHash: z.string(),
        required: z.array(
          z.object({
            role: z.string(),
            satisfiedBy: z
              .enum(['signature', 'guardian', 'refusal'])
              .nullable()
              .describe(
                "`guardian`: the person's signature, given by a ställföreträdare the policy lets count",
              ),
            metBy: z
              .string()
              .nullable()
              .describe('"by guardian <name>" (each guardian named) when a guardian signed for the person'),
            guardians: z.array(z.string()).describe('The guardians who signed for the person'),
          }),
        ),
        outstanding: z.array(z.string()),
        complete: z.boolean(),
        notRequiredRoles: z.array(z.string()),
      })
      .nullable(),
    submissionDue: z.boolean(),
    submissions: z.array(
      z.object({
        id: z.uuid(),
        version: z.number().int(),
        status: z.string(),
        createdAt: z.iso.datetime(),
        deliveredAt: z.iso.datetime().nullable(),
        acknowledgedAt: z.iso.datetime().nullable(),
        acknowledgedBy: z
          .string()
          .nullable()
          .describe('Who confirmed receipt: the API client, or the case officer signed in to the inbox'),
      }),
    ),
    needEvaluations: z
      .array(
        z.object({
          id: z.uuid(),
          version: z.number().int(),
          date,
          by: reviewer.optional().describe('Left out for a client without plans:read'),
          via: z.enum(['webhook', 'inbox']),
          status: z.enum(['queued', 'delivered', 'failed', 'acknowledged']),
          createdAt: z.iso.datetime(),
          deliveredAt: z.iso.datetime().nullable(),
          acknowledgedAt: z.iso.datetime().nullable(),
        }),
      )
      .describe(
        "Routine 003: the kontaktman's evaluations of a changed need (one per delivery) and how far each got; " +
          'the summary is not shown here (GET /v1/plans/{id}/need-evaluations, plans:read)',
      ),
    plannerNotification: z.enum(['not_required', 'present', 'missing']),
    personalDetailsReview: personalDetailsReviewStatusSchema,
    consents: z.array(consentStatusSchema),
    policy: z.object({ source: z.enum(['unit', 'organisation', 'default']), rules: policySchema }),
    updatedAt: z.iso.datetime(),
    ended: z
      .object({ on: date, version: z.number().int() })
      .nullable()
      .describe('Set while the plan has ended; a new version reopens it'),
    holds: z
      .array(z.object({ id: z.uuid(), createdAt: z.iso.datetime() }))
      .describe('Legal holds in force (their reasons are not shown)'),
    contentPruned: z
      .object({ at: z.iso.datetime(), reason: z.enum(['retention', 'erasure']) })
      .nullable()
      .describe("When and why the current version's content was pruned; null while it is held"),
  })
  .meta({ id: 'PlanStatus' });

const version = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe('The version the signer saw; refused with 409 when it is no longer current');
const [signedSignature, refusedSignature] = signatureSchema.options;

export const signatureBody = z
  .discriminatedUnion('signed', [signedSignature.extend({ version }), refusedSignature.extend({ version })])
  .meta({
    id: 'SignatureInput',
    description: 'A signature (role, name, date, method) or a refusal with its reason',
  });

export const signatureResultSchema = z
  .object({
    planId: z.uuid(),
    version: z.number().int(),
    signedContentHash: z.string(),
    signature: z.record(z.string(), z.unknown()),
    status: z.enum(PLAN_STATES),
  })
  .meta({ id: 'SignatureResult' });

const storedDeviation = z.object({
  id: z.uuid(),
  kind: z.enum(['deviation', 'event']),
  date,
  text: z.string(),
  recordedBy: z.string(),
  recordedAt: z.iso.datetime(),
});

export const deviationResultSchema = storedDeviation.meta({ id: 'Deviation' });

export const compilationSchema = z
  .object({
    planId: z.uuid(),
    month: z.string(),
    deviations: z.array(storedDeviation),
    events: z.array(storedDeviation),
  })
  .meta({ id: 'MonthlyCompilation' });

export const storedPolicySchema = z
  .object({
    organisation: z.string(),
    unitId: z.string().nullable(),
    policy: policySchema,
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .meta({ id: 'StoredPolicy' });

export const appliedPolicySchema = z
  .object({
    organisation: z.string(),
    unitId: z.string().nullable(),
    source: z.enum(['unit', 'organisation', 'default']),
    policy: storedPolicySchema
      .nullable()
      .describe('null: no policy is set, each plan follows the preset of its law (SoL omsorg, LSS lss)'),
  })
  .meta({ id: 'AppliedPolicy' });

export const policyBody = policySchema
  .partial()
  .required({ preset: true })
  .meta({ id: 'PolicyInput', description: 'A preset (omsorg, lss) and the fields that differ from it' });
