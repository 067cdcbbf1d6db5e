import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { encryptedSecretCodec } from '../../crypto/destination-secret-codec.js';
import type { Destination } from '../../delivery/destinations/destinations.repository.js';
import {
  createDestination,
  disableOwnDestination,
  listOwnDestinations,
} from '../../delivery/destinations/destinations.service.js';
import { DESTINATION_KINDS } from '../../delivery/schema.js';
import type { ServiceContext } from '../../services/context.js';
import { callerOf } from '../auth/authentication.js';
import { problemResponses } from '../problem.js';

const destinationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(DESTINATION_KINDS),
    system: z.string(),
    url: z.string(),
    createdAt: z.iso.datetime(),
    disabledAt: z.iso.datetime().nullable(),
  })
  .describe('A destination; its signing secret is never shown')
  .meta({ id: 'Destination' });

const newDestinationBody = z
  .strictObject({
    kind: z.enum(DESTINATION_KINDS),
    system: z
      .string()
      .describe(
        'The receiving system: its format for submissions (procapita, lifecare, pulsen-combine, fhir)',
      ),
    url: z.string().describe('Where deliveries are POSTed (http or https)'),
    secret: z.string().describe('The Standard Webhooks signing secret, whsec_<base64>; never returned'),
  })
  .meta({ id: 'NewDestination' });

function toBody(d: Destination) {
  return {
    id: d.id,
    kind: d.kind,
    system: d.system,
    url: d.url,
    createdAt: d.createdAt.toISOString(),
    disabledAt: d.disabledAt?.toISOString() ?? null,
  };
}

/** Where the caller's organisation's deliveries go: submissions, sign-off requests, planner notices, status write-backs. */
export function adminDestinationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secrets = encryptedSecretCodec(ctx.cipher);

  r.post('/v1/admin/destinations', {
    schema: {
      operationId: 'createDestination',
      summary: 'Register a destination of the organisation',
      tags: ['admin'],
      body: newDestinationBody,
      responseHeaders: { 201: ['Location'] },
      response: { 201: destinationSchema, ...problemResponses(400, 401, 403, 422) },
    },
    handler: async (request, reply) => {
      const { destination } = await createDestination(ctx, secrets, {
        ...request.body,
        organisation: callerOf(request).organisation,
      });
      return reply
        .code(201)
        .header('location', `/v1/admin/destinations/${destination.id}`)
        .send(toBody(destination));
    },
  });

  r.get('/v1/admin/destinations', {
    schema: {
      operationId: 'listDestinations',
      summary: "The organisation's destinations, disabled ones included",
      tags: ['admin'],
      response: { 200: z.object({ items: z.array(destinationSchema) }), ...problemResponses(401, 403) },
    },
    handler: async (request) => ({
      items: (await listOwnDestinations(ctx, callerOf(request).organisation)).map(toBody),
    }),
  });

  r.delete('/v1/admin/destinations/:id', {
    schema: {
      operationId: 'disableDestination',
      summary: 'Disable a destination: nothing more is sent to it; deliveries still queued fail visibly',
      tags: ['admin'],
      params: z.object({ id: z.uuid() }),
      response: { 204: z.null().describe('Disabled'), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      await disableOwnDestination(ctx, callerOf(request).organisation, request.params.id);
      return reply.code(204).send(null);
    },
  });
}
