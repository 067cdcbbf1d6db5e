import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

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
    },
    transform: createJsonSchemaTransform({ skipList: ['/openapi.json'] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
