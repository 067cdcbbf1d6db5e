import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

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

/**
 * The OpenAPI document is generated from the routes' zod schemas. Register before the
 * routes so that @fastify/swagger sees them.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'planbrygga',
        version,
        description:
          'Integration hub for genomförandeplaner. Every /v1 request needs `Authorization: Bearer <key>`, ' +
          'with an API key or, where the installation is configured for it, an OAuth2 access token; ' +
          'errors are application/problem+json (RFC 9457).',
      },
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
      tags: OPERATION_TAGS,
    },
    transform: createJsonSchemaTransform({ skipList: ['/openapi.json'] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
