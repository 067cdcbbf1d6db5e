import { z } from 'zod';
import { SIGNATURE_ROLES } from '../../domain/codes.js';

// The JSON bodies planbrygga sends to receivers, one schema per event. The jobs build their
// bodies through these schemas, and the API document's `webhooks` describe them from the same
// schemas, so what a receiving team generates from the document is what it is sent.

const planId = z.uuid().describe("planbrygga's id of the plan");
const version = z.number().int().min(1).describe('The plan version the message is about');

export const SignOffRequestEvent = z
  .strictObject({
    type: z.enum(['plan.signoff_requested', 'plan.signoff_reminder']),
    planId,
    version,
    role: z.enum(SIGNATURE_ROLES).describe('The role asked to sign'),
    unitId: z.string().describe('The unit (enhet) whose signing system receives the request'),
    dueBy: z.iso.date().nullable().describe('The date the signature is due by, when the routine sets one'),
  })
  .meta({ id: 'SignOffRequestEvent' });

export const PlannerNotificationEvent = z
  .strictObject({
    type: z.literal('plan.planner_notification'),
    planId,
    version,
    sourcePlanId: z.string().describe("The plan's id in the documentation system it came from"),
    unitId: z.string(),
    serviceType: z.string().describe('The service type (insatstyp) code'),
    plannerNotification: z
      .string()
      .describe("The kontaktman's note to the home-care planner (hemtjänstplanerare)"),
    interventions: z.array(
      z.strictObject({
        decisionId: z.string(),
        name: z.string(),
        scope: z.string(),
        when: z.string(),
      }),
    ),
  })
  .meta({ id: 'PlannerNotificationEvent' });

export const StatusChangedEvent = z
  .strictObject({
    type: z.literal('plan.status_changed'),
    planId,
    sourceSystem: z.string().describe('The documentation system the plan came from'),
    sourcePlanId: z.string(),
    version,
    event: z.string().describe('`updated` for a new version, else the status the plan reached'),
    status: z.string(),
    at: z.iso.datetime(),
    changeSeq: z.string().describe('The change-feed position of the change, to order write-backs'),
  })
  .meta({ id: 'StatusChangedEvent' });

export const NeedEvaluationEvent = z
  .strictObject({
    type: z.literal('plan.need_evaluation'),
    planId,
    version: version.describe('The plan version the evaluation was made from'),
    evaluation: z.strictObject({
      id: z
        .uuid()
        .describe(
          'The need evaluation; confirm it with POST /v1/plans/{planId}/need-evaluations/{id}/receipt',
        ),
      date: z.iso.date().describe('The day the kontaktman evaluated the need'),
      summary: z.string().describe("The kontaktman's evaluation of the changed need (personal data)"),
      by: z
        .strictObject({ name: z.string(), title: z.string() })
        .describe('The kontaktman who evaluated: name and title'),
    }),
  })
  .meta({ id: 'NeedEvaluationEvent' });
