import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { OperationCatalogue } from './api-document/operations.js';
import { RESPONSE_HEADERS } from './api-document/responses.js';
import { SchemaComponents } from './api-document/schema-components.js';
import { WEBHOOKS_TAG, webhooks } from './api-document/webhooks.js';

/** Every tag an operation may carry, declared once with what it groups. */
export const OPERATION_TAGS = [
  {
    name: 'plans',
    description:
      "Push plans (canonical JSON or a system's native format), read, list and find them, and their renderings",
  },
  {
    name: 'status',
    description:
      'Lifecycle of a plan: status, signatures, deviations, consents, its end, the change feed and overdue plans',
  },
  {
    name: 'submissions',
    description:
      'Submission (avgivande) to the case officer, receipts, and the pull inbox of receiving systems',
  },
  {
    name: 'admin',
    description:
      "An organisation's administration: policies, destinations, deliveries, the audit log, legal holds, erasure and subject access",
  },
  { name: 'operations', description: 'Liveness and readiness probes for the platform that runs planbrygga' },
];

export interface ApiDocumentOptions {
  version: string;
  /** PUBLIC_URL: where clients reach this installation; null: the document names the server it is read from. */
  publicUrl: string | null;
}

/**
 * The OpenAPI document is generated from the routes' zod schemas (api-document/). Register
 * before the routes so that @fastify/swagger sees them.
 */
export async function registerOpenApi(app: FastifyInstance, options: ApiDocumentOptions): Promise<void> {
  const schemas = new SchemaComponents();
  const operations = new OperationCatalogue(schemas);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'planbrygga',
        version: options.version,
        description:
          'Integration hub for genomförandeplaner. Every /v1 request needs `Authorization: Bearer <key>`, ' +
          'with an API key or, where the installation is configured for it, an OAuth2 access token; ' +
          'errors are application/problem+json (RFC 9457).',
        contact: { name: 'planbrygga', url: 'https://planbrygga.se' },
        license: { name: 'Proprietary', url: 'https://planbrygga.se/license' },
      },
      servers: [
        options.publicUrl
          ? { url: options.publicUrl, description: 'This installation' }
          : { url: '/', description: 'The installation that serves this document' },
      ],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key issued by `planbrygga clients create`.',
          },
          // A bearer JWT rather than an oauth2 scheme: the token endpoint is the municipality's own,
          // unknown to this document, and planbrygga never takes part in the grant.
          accessToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              "An OAuth2 access token (RFC 9068) from the municipality's identity provider, obtained by the " +
              'client-credentials grant; its scope claim holds planbrygga scopes and its organisation claim ' +
              'the municipality code. Accepted when OAUTH_ISSUER is configured (docs/security.md).',
          },
        },
      },
      // Either scheme: a list of alternatives.
      security: [{ apiKey: [] }, { accessToken: [] }],
      tags: [...OPERATION_TAGS, WEBHOOKS_TAG],
    },
    transform: operations.transform,
    transformObject: (generated) => {
      if (!('openapiObject' in generated)) throw new Error('The API document is OpenAPI 3.1');
      const { openapiObject } = generated;
      const paths = operations.paths();
      // Before the components: the events' schemas are components too.
      const messages = webhooks(schemas);
      return {
        ...openapiObject,
        paths,
        webhooks: messages,
        components: {
          ...openapiObject.components,
          schemas: schemas.components(),
          headers: RESPONSE_HEADERS,
        },
      };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
