import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { canonicalPlanBody } from './schemas.js';

/** zod validation and serialization everywhere, except for canonical plan bodies (schemas.ts). */
export function registerZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler((route) =>
    route.schema === canonicalPlanBody
      ? (data: unknown) => ({ value: data })
      : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]),
  );
  app.setSerializerCompiler((route) =>
    route.schema === canonicalPlanBody
      ? (data: unknown) => JSON.stringify(data)
      : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]),
  );
}
