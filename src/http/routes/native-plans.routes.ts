import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatAdapters, getFormatAdapter } from '../../../adapters/index.js';
import { type FormatAdapter, MAX_DOCUMENT_BYTES, SYSTEMS } from '../../../adapters/types.js';
import type { ServiceContext } from '../../services/context.js';
import { DomainError, notFound } from '../../services/errors.js';
import { pushPlan } from '../../services/plan-push.service.js';
import { getPlanVersion } from '../../services/plan-query.service.js';
import { auditDraft } from '../audit/audit-log.js';
import { callerOf } from '../auth/authentication.js';
import { ifNoneMatchHits, notModified, parseIfMatch, versionETag } from '../etag.js';
import { problemResponses } from '../problem.js';
import { cacheHeaders, notModifiedSchema, pushHeaders, pushResultSchema } from '../schemas.js';
import { sendPushResult } from './plan-push.routes.js';

const NATIVE_TYPES = ['application/xml', 'text/xml', 'application/json'];
const systemParams = z.object({ system: z.enum(SYSTEMS).describe('procapita, lifecare or pulsen-combine') });

/** The bytes of a native document: the adapter reads them, so the route takes them as they came. */
const nativeDocument = (mediaType: string) =>
  z.custom<Buffer>().meta({
    type: mediaType === 'application/json' ? 'object' : 'string',
    description:
      mediaType === 'application/json'
        ? 'A pulsen-combine document'
        : 'A procapita or lifecare document; its XML declaration names the encoding',
  });

/** What a rendering is sent as, per system: Procapita's XML is ISO-8859-1, the others UTF-8. */
const renderedDocuments = Object.fromEntries(
  Object.values(formatAdapters).map((adapter: FormatAdapter) => [
    adapter.contentType,
    {
      schema: (adapter.contentType.startsWith('application/json') ? z.looseObject({}) : z.string()).describe(
        `A ${adapter.system} document`,
      ),
    },
  ]),
);

/**
 * Plans in a system's own format. The body reaches the adapter as the bytes that were sent
 * (the adapter decodes by the XML declaration, and checks JSON for duplicate keys itself);
 * the parsed plan goes through the same push service as canonical JSON.
 */
export function nativePlanRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  // Encapsulated, so the raw-bytes parser for JSON applies to these routes only.
  app.register((scope, _opts, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      NATIVE_TYPES,
      { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
      (_req, body, next) => next(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post('/v1/systems/:system/plans', {
      bodyLimit: MAX_DOCUMENT_BYTES,
      schema: {
        operationId: 'pushNativePlan',
        summary: "Push a plan in a system's native format",
        tags: ['plans'],
        params: systemParams,
        headers: pushHeaders,
        body: {
          content: Object.fromEntries(NATIVE_TYPES.map((type) => [type, { schema: nativeDocument(type) }])),
        },
        responseHeaders: { 200: ['ETag'], 201: ['ETag', 'Location'] },
        response: {
          200: pushResultSchema.describe('Identical to the stored version: nothing changed'),
          201: pushResultSchema.describe('A new plan or a new version was stored'),
          ...problemResponses(400, 401, 403, 409, 412, 413, 415, 422),
        },
      },
      handler: async (request, reply) => {
        const adapter = getFormatAdapter(request.params.system);
        if (!adapter) throw notFound('The system');
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const parsed = adapter.parse(body);
        if (!parsed.ok) {
          throw new DomainError(
            parsed.status,
            refusalTitle(parsed.status),
            `Not a valid ${adapter.system} document`,
            parsed.issues,
          );
        }
        const result = await pushPlan(ctx, {
          caller: callerOf(request),
          sourceSystem: adapter.system,
          plan: parsed.plan,
          warnings: parsed.warnings,
          ifMatch: parseIfMatch(request.headers['if-match']),
          requestId: request.id,
          audit: auditDraft(ctx, request),
        });
        return sendPushResult(reply, result);
      },
    });

    r.get('/v1/systems/:system/plans/:id', {
      schema: {
        operationId: 'getNativePlan',
        summary: "A plan rendered in a system's native format (latest version, or ?version=N)",
        tags: ['plans'],
        params: systemParams.extend({ id: z.string().describe('The plan id (a UUID)') }),
        querystring: z.object({ version: z.coerce.number().int().min(1).max(1_000_000_000).optional() }),
        headers: cacheHeaders,
        responseHeaders: { 200: ['ETag'], 304: ['ETag'] },
        response: {
          200: {
            description: "The plan in the system's own format, as that system reads it",
            content: renderedDocuments,
          },
          304: notModifiedSchema,
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
      handler: async (request, reply) => {
        const adapter = getFormatAdapter(request.params.system);
        if (!adapter) throw notFound('The system');
        const view = await getPlanVersion(ctx, callerOf(request), request.params.id, request.query.version);
        const etag = versionETag(view.version);
        reply.header('etag', etag);
        if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return notModified(reply);
        const rendered = adapter.render(view.plan, { now: ctx.clock() });
        if (!rendered.ok) {
          throw new DomainError(
            422,
            'Cannot be rendered',
            `The plan cannot be written as ${adapter.system}`,
            rendered.issues,
          );
        }
        // The document is bytes in the adapter's format, not one of the JSON schemas above.
        const raw = reply as FastifyReply;
        return raw.type(adapter.contentType).send(rendered.body);
      },
    });
    done();
  });
}

function refusalTitle(status: 400 | 413 | 422): string {
  return { 400: 'Unreadable document', 413: 'Document too large', 422: 'Invalid document' }[status];
}
