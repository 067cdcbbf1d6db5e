import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { RESPONSE_HEADERS } from '../../src/http/api-document/responses.js';

type Json = { [key: string]: unknown };
interface DocumentResponse {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Json }>;
}
interface DocumentMessage {
  parameters: { name: string; in: string; required?: boolean }[];
  requestBody: { content: Record<string, { schema: Json }> };
}
interface ApiDocument {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, DocumentResponse> }>>;
  webhooks?: Record<string, { post: DocumentMessage }>;
  components: Json;
}

const DOCUMENT_ID = 'https://planbrygga.test/openapi.json';

/**
 * Holds real answers to the API document: the operation is documented, the status is declared
 * for it, the media type is one the document names, a JSON body is valid against the declared
 * schema, and every header clients rely on that the answer carries is declared. Each answer
 * checked counts its operation as exercised.
 */
export class ApiConformance {
  /** operationId → the statuses seen. */
  readonly exercised = new Map<string, Set<number>>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; path: string; pattern: RegExp; literals: number }[];

  constructor(private readonly document: ApiDocument) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
    this.templates = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({
        method,
        path,
        pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
        literals: path.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length,
      })),
    );
  }

  /** Checks one answer; returns what does not conform (empty when it all does). */
  check(method: string, url: string, res: LightMyRequestResponse): string[] {
    const path = new URL(url, 'http://localhost').pathname;
    const template = this.templates
      .filter((t) => t.method === method.toLowerCase() && t.pattern.test(path))
      .sort((a, b) => b.literals - a.literals)[0];
    if (!template) return [`${method} ${path} is not a documented operation`];
    const operation = this.document.paths[template.path]![template.method]!;
    const where = `${operation.operationId} ${res.statusCode}`;
    const statuses = this.exercised.get(operation.operationId) ?? new Set();
    statuses.add(res.statusCode);
    this.exercised.set(operation.operationId, statuses);

    const declared = operation.responses[String(res.statusCode)];
    if (!declared) return [`${where}: status not documented (${res.body.slice(0, 200)})`];
    const problems: string[] = [];
    for (const name of Object.keys(RESPONSE_HEADERS)) {
      if (res.headers[name.toLowerCase()] !== undefined && !declared.headers?.[name]) {
        problems.push(`${where}: sends ${name}, which is not documented`);
      }
    }
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.rawPayload.length === 0) {
      if (declared.content && res.statusCode !== 204 && res.statusCode !== 304) {
        problems.push(`${where}: documents a body but none was sent`);
      }
      return problems;
    }
    const mediaType = Object.keys(declared.content ?? {}).find((key) => mediaTypeMatches(key, contentType));
    if (!mediaType) {
      const documented = Object.keys(declared.content ?? {}).join(', ') || 'no body';
      return [...problems, `${where}: sent ${contentType}, documented ${documented}`];
    }
    if (!/[/+]json\b/.test(mediaType)) return problems;
    const pointer = [
      'paths',
      template.path,
      template.method,
      'responses',
      String(res.statusCode),
      'content',
      mediaType,
    ]
      .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = this.validator(pointer, declared.content![mediaType]!.schema);
    if (!validate(JSON.parse(res.body))) {
      problems.push(`${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  /**
   * Checks one message planbrygga sent to a receiver against the document's `webhooks`: the
   * event is documented, every required header is there, the media type is documented, and a
   * JSON body is valid against the event's schema.
   */
  checkMessage(headers: Record<string, unknown>, body: Buffer): string[] {
    const event = String(headers['planbrygga-event'] ?? '');
    const message = this.document.webhooks?.[event]?.post;
    if (!message) return [`event ${event} is not a documented webhook`];
    const problems = message.parameters
      .filter((p) => p.in === 'header' && p.required && headers[p.name] === undefined)
      .map((p) => `${event}: header ${p.name} missing`);
    const contentType = String(headers['content-type'] ?? '');
    const mediaType = Object.keys(message.requestBody.content).find((key) =>
      mediaTypeMatches(key, contentType),
    );
    if (!mediaType) return [...problems, `${event}: sent ${contentType}, not documented`];
    if (!/[/+]json\b/.test(mediaType)) return problems;
    const pointer = ['webhooks', event, 'post', 'requestBody', 'content', mediaType]
      .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = this.validator(pointer, message.requestBody.content[mediaType]!.schema);
    if (!validate(JSON.parse(body.toString('utf8')))) {
      problems.push(`${event}: body does not match the schema: ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  /** The documented operations no checked answer has exercised yet. */
  unexercised(): string[] {
    return Object.values(this.document.paths)
      .flatMap((item) => Object.values(item).map((operation) => operation.operationId))
      .filter((id) => !this.exercised.has(id));
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      // Component references are relative to the document, which ajv knows by its $id.
      const absolute = JSON.parse(JSON.stringify(schema), (name, value) =>
        name === '$ref' && typeof value === 'string' && value.startsWith('#/')
          ? `${DOCUMENT_ID}${value}`
          : value,
      );
      validate = this.ajv.compile(absolute);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** `application/json` matches `application/json; charset=utf-8`; a parameter the key names must be sent. */
function mediaTypeMatches(key: string, contentType: string): boolean {
  const [keyEssence = '', ...keyParameters] = key
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  const [sentEssence = '', ...sentParameters] = contentType
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  return keyEssence === sentEssence && keyParameters.every((parameter) => sentParameters.includes(parameter));
}
