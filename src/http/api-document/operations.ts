import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { problemResponse } from '../problem.js';
import { HEADERS_OF_STATUS, platformProblems, RATE_LIMIT_HEADERS, type ResponseHeader } from './responses.js';
import type { JsonSchema, SchemaComponents } from './schema-components.js';

declare module 'fastify' {
  interface FastifySchema {
    /** The headers clients rely on that the route sets, per status (ETag, Location, …). */
    responseHeaders?: Partial<Record<number, readonly ResponseHeader[]>>;
  }
}

/** A response as a route declares it: a zod schema (JSON), or per media type (fastify's `content`). */
type ResponseDeclaration =
  | z.ZodType
  | { description?: string; content: Record<string, { schema: z.ZodType }> };

/** The parts of a route's schema the document is made of. */
export interface RouteSchema {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  hide?: boolean;
  params?: z.ZodType;
  querystring?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType | { content: Record<string, { schema: z.ZodType }> };
  response?: Record<string, ResponseDeclaration>;
  responseHeaders?: Partial<Record<number, readonly ResponseHeader[]>>;
}

export type Operation = { [field: string]: unknown };

const SUCCESS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: queued',
  204: 'Done; no body',
  304: 'Not modified: the ETag sent in If-None-Match is still current; no body',
};

const PARAMETER_PARTS = [
  ['path', 'params'],
  ['query', 'querystring'],
  ['header', 'headers'],
] as const;

/**
 * The operations of the document, built from the routes' zod schemas as fastify registers
 * them. @fastify/swagger hands every route to `transform`; the operation is built here (so
 * responses carry their real media types and headers, and schemas keep one name) and the route
 * is hidden from the plugin's own rendering; `paths()` gives the document's paths.
 * Every documented route needs an `operationId`: generated clients name their functions after
 * it (test/integration/openapi/operations.int.test.ts holds them to it).
 */
export class OperationCatalogue {
  private readonly operations = new Map<string, { path: string; method: string; operation: Operation }>();

  constructor(private readonly schemas: SchemaComponents) {}

  readonly transform = ({ schema, url, route }: { schema: unknown; url: string; route: RouteOptions }) => {
    const routeSchema = schema as RouteSchema | undefined;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    if (routeSchema && !routeSchema.hide) {
      for (const method of methods) {
        const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        const operation = this.describe(method, url, routeSchema);
        this.operations.set(`${method} ${path}`, { path, method: method.toLowerCase(), operation });
      }
    }
    return { schema: { hide: true }, url };
  };

  /** `paths` of the document, in the order the routes were registered. */
  paths(): Record<string, Record<string, Operation>> {
    const paths: Record<string, Record<string, Operation>> = {};
    for (const { path, method, operation } of this.operations.values()) {
      paths[path] = { ...paths[path], [method]: operation };
    }
    return paths;
  }

  private describe(method: string, url: string, schema: RouteSchema): Operation {
    if (!schema.operationId) {
      throw new Error(
        `${method} ${url} has no operationId: name it after what it does (listPlans, submitPlan) ` +
          'and add it to test/integration/openapi/operations.int.test.ts',
      );
    }
    const isApi = url.startsWith('/v1/');
    const parameters = PARAMETER_PARTS.flatMap(([location, part]) => {
      const partSchema = schema[part];
      return partSchema ? this.parameters(location, partSchema) : [];
    });
    const hasBody = schema.body !== undefined;
    const declared = { ...schema.response };
    if (isApi) {
      for (const status of platformProblems({ hasInput: parameters.length > 0 || hasBody, hasBody })) {
        declared[status] ??= problemResponse(status);
      }
    }
    const responses = Object.fromEntries(
      Object.keys(declared)
        .sort()
        .map((status) => [status, this.response(Number(status), declared[status]!, schema, isApi)]),
    );
    return {
      operationId: schema.operationId,
      ...(schema.summary && { summary: schema.summary }),
      ...(schema.description && { description: schema.description }),
      ...(schema.tags && { tags: schema.tags }),
      ...(schema.deprecated && { deprecated: true }),
      ...(parameters.length > 0 && { parameters }),
      ...(schema.body && { requestBody: this.requestBody(schema.body) }),
      responses,
      // Outside /v1 (the probes) no credential is asked for.
      ...(!isApi && { security: [] }),
    };
  }

  private parameters(location: string, part: z.ZodType): Operation[] {
    const json = this.schemas.toJson(part, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, { description, ...propertySchema }]) => ({
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' && { description }),
      schema: propertySchema,
    }));
  }

  private requestBody(body: NonNullable<RouteSchema['body']>): Operation {
    if (!(body instanceof z.ZodType)) {
      return { required: true, content: this.content(body.content, 'input') };
    }
    // A body the route may leave out (`.nullish()`) is optional.
    const required = !body.safeParse(undefined).success;
    return {
      required,
      content: { 'application/json': { schema: this.schemas.toJson(body, 'input') } },
    };
  }

  private response(status: number, declaration: ResponseDeclaration, route: RouteSchema, isApi: boolean) {
    const names = new Set<ResponseHeader>([
      ...(route.responseHeaders?.[status] ?? []),
      ...(HEADERS_OF_STATUS[status] ?? []),
      ...(isApi ? RATE_LIMIT_HEADERS : []),
    ]);
    const headers = Object.fromEntries(
      [...names].map((name) => [name, { $ref: `#/components/headers/${name}` }]),
    );
    const common = names.size > 0 ? { headers } : {};
    if (declaration instanceof z.ZodType) {
      const description = declaration.description ?? SUCCESS_DESCRIPTIONS[status] ?? 'The answer';
      // 204 and 304 carry no body.
      if (declaration._zod.def.type === 'null') return { description, ...common };
      const schema = this.schemas.toJson(declaration, 'output');
      return { description, ...common, content: { 'application/json': { schema } } };
    }
    return {
      description: declaration.description ?? SUCCESS_DESCRIPTIONS[status] ?? 'The answer',
      ...common,
      content: this.content(declaration.content, 'output'),
    };
  }

  private content(content: Record<string, { schema: z.ZodType }>, direction: 'input' | 'output') {
    return Object.fromEntries(
      Object.entries(content).map(([type, { schema }]) => [
        type,
        { schema: this.schemas.toJson(schema, direction) },
      ]),
    );
  }
}
