import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { finalDocument, planAsFhirBundle } from '../../services/plan-documents.service.js';
import { callerOf } from '../auth/authentication.js';
import { versionETag } from '../etag.js';
import { problemResponses } from '../problem.js';
import { planIdParams } from '../schemas.js';

const FHIR_CONTENT_TYPE = 'application/fhir+json; fhirVersion=4.0; charset=utf-8';
const versionQuery = z.object({ version: z.coerce.number().int().min(1).max(1_000_000_000).optional() });

/** Read-only renderings of a stored plan that are not interchange formats: FHIR R4 and the PDF final document. */
export function planDocumentRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/systems/fhir/plans/:id', {
    schema: {
      operationId: 'getFhirPlan',
      summary:
        'A plan as a FHIR R4 Bundle (Patient, CarePlan, Goal, ServiceRequest): latest version, or ?version=N',
      tags: ['plans'],
      params: planIdParams,
      querystring: versionQuery,
      responseHeaders: { 200: ['ETag'] },
      response: {
        200: {
          description: 'The FHIR R4 Bundle (type document)',
          content: {
            [FHIR_CONTENT_TYPE]: {
              schema: z.looseObject({ resourceType: z.literal('Bundle') }).describe('A FHIR R4 Bundle'),
            },
          },
        },
        ...problemResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const { version, bundle } = await planAsFhirBundle(
        ctx,
        callerOf(request),
        request.params.id,
        request.query.version,
      );
      // The body is a FHIR document, not one of the problem schemas declared above.
      return (reply as FastifyReply)
        .header('etag', versionETag(version))
        .type(FHIR_CONTENT_TYPE)
        .send(JSON.stringify(bundle));
    },
  });

  r.get('/v1/plans/:id/document.pdf', {
    schema: {
      operationId: 'getFinalDocument',
      summary: 'The final document (slutredigeringsdokument) as PDF: latest version, or ?version=N',
      tags: ['plans'],
      params: planIdParams,
      querystring: versionQuery,
      responseHeaders: { 200: ['ETag', 'Content-Disposition'] },
      response: {
        200: {
          description: 'The final document as PDF',
          content: {
            'application/pdf': { schema: z.string().meta({ contentMediaType: 'application/pdf' }) },
          },
        },
        ...problemResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const { version, pdf } = await finalDocument(
        ctx,
        callerOf(request),
        request.params.id,
        request.query.version,
      );
      return (reply as FastifyReply)
        .header('etag', versionETag(version))
        .header('content-disposition', `inline; filename="genomforandeplan-v${version}.pdf"`)
        .type('application/pdf')
        .send(pdf);
    },
  });
}
