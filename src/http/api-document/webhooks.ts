import type { z } from 'zod';
import {
  NeedEvaluationEvent,
  PlannerNotificationEvent,
  SignOffRequestEvent,
  StatusChangedEvent,
} from '../../delivery/contract/webhook-events.js';
import type { JsonSchema, SchemaComponents } from './schema-components.js';

/** The tag of the outbound messages in the document. */
export const WEBHOOKS_TAG = {
  name: 'webhooks',
  description:
    'Messages planbrygga POSTs to the destinations an organisation registers, signed as Standard Webhooks ' +
    '(docs/receiving.md): what a receiving system implements.',
};

const header = (name: string, description: string, required = true) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
});

/** The headers of every message: Standard Webhooks' three, and planbrygga's own. */
const MESSAGE_HEADERS = [
  header(
    'webhook-id',
    'The message id, `msg_` and 32 hex digits: the same on every retry, never reused. De-duplicate on it.',
  ),
  header(
    'webhook-timestamp',
    'Seconds since the epoch when this attempt was signed; refuse one far from now.',
  ),
  header(
    'webhook-signature',
    '`v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>` with the destination secret.',
  ),
  header('planbrygga-event', 'The event, as the name of this webhook.'),
  header('planbrygga-plan-id', "planbrygga's id of the plan."),
  header('planbrygga-plan-version', 'The plan version the message is about.'),
];

const ANSWERS = {
  '200': { description: 'Received (any 2xx): the message is delivered and not sent again.' },
  '400': { description: 'Any 4xx but 408 and 429: refused for good; the delivery fails at once.' },
  '429': {
    description:
      'Busy: sent again after the answer’s Retry-After (seconds or an HTTP-date), else by backoff.',
  },
  '503': {
    description: 'Any 5xx, 408, a timeout or no answer: sent again with backoff, for up to 20 attempts.',
  },
};

interface JsonEvent {
  event: string;
  operationId: string;
  summary: string;
  schema: z.ZodType;
}

const JSON_EVENTS: JsonEvent[] = [
  {
    event: 'plan.signoff_requested',
    operationId: 'receiveSignOffRequest',
    summary: "A role is asked to sign a plan version, to the unit's signing system",
    schema: SignOffRequestEvent,
  },
  {
    event: 'plan.signoff_reminder',
    operationId: 'receiveSignOffReminder',
    summary: 'A reminder that a role has still not signed, before the signature is due',
    schema: SignOffRequestEvent,
  },
  {
    event: 'plan.planner_notification',
    operationId: 'receivePlannerNotification',
    summary: "The kontaktman's note to the home-care planner (hemtjänstplanerare), with the interventions",
    schema: PlannerNotificationEvent,
  },
  {
    event: 'plan.status_changed',
    operationId: 'receiveStatusChange',
    summary: 'A plan was updated, established or communicated: written back to the source system',
    schema: StatusChangedEvent,
  },
  {
    event: 'plan.need_evaluation',
    operationId: 'receiveNeedEvaluation',
    summary:
      "Routine 003: the kontaktman's evaluation of a changed need, to the case officer (LSS-handläggare) " +
      'before a new needs assessment, on the submission destinations',
    schema: NeedEvaluationEvent,
  },
];

/** OpenAPI 3.1 `webhooks`: each message planbrygga sends, its headers and body. */
export function webhooks(schemas: SchemaComponents): Record<string, { post: JsonSchema }> {
  const submitted = {
    post: {
      operationId: 'receivePlanSubmission',
      summary: 'A finished plan submitted (avges) to the case officer, in the receiving system’s own format',
      description:
        'The document is rendered for the system the destination names: Procapita or Lifecare XML, Pulsen ' +
        'Combine JSON, or a FHIR R4 Bundle. Confirm receipt with POST /v1/inbox/{submissionId}/ack when the ' +
        'organisation uses receipts.',
      tags: [WEBHOOKS_TAG.name],
      parameters: [
        ...MESSAGE_HEADERS,
        header('planbrygga-submission-id', 'The submission this message delivers; name it in the receipt.'),
      ],
      requestBody: {
        required: true,
        content: {
          'application/xml; charset=ISO-8859-1': {
            schema: { type: 'string', description: 'A Procapita document (formats/README.md)' },
          },
          'application/xml; charset=utf-8': {
            schema: { type: 'string', description: 'A Lifecare document' },
          },
          'application/json; charset=utf-8': {
            schema: { type: 'object', description: 'A Pulsen Combine document' },
          },
          'application/fhir+json; fhirVersion=4.0; charset=utf-8': {
            schema: { type: 'object', description: 'A FHIR R4 Bundle' },
          },
        },
      },
      responses: ANSWERS,
    },
  };
  const json = Object.fromEntries(
    JSON_EVENTS.map(({ event, operationId, summary, schema }) => [
      event,
      {
        post: {
          operationId,
          summary,
          tags: [WEBHOOKS_TAG.name],
          parameters: MESSAGE_HEADERS,
          requestBody: {
            required: true,
            content: { 'application/json; charset=utf-8': { schema: schemas.toJson(schema, 'output') } },
          },
          responses: ANSWERS,
        },
      },
    ]),
  );
  return { 'plan.submitted': submitted, ...json };
}
