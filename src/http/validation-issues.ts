import type { FastifySchemaValidationError } from 'fastify';
import type { FieldIssue } from '../domain/field-issue.js';

/** The part of a request a validation error is about, as fastify names it. */
export type RequestPart = 'body' | 'params' | 'querystring' | 'headers';

const PART_NAMES: Readonly<Record<RequestPart, { one: string; many: string }>> = {
  body: { one: 'The body field', many: 'fields of the body' },
  params: { one: 'The path parameter', many: 'path parameters' },
  querystring: { one: 'The query parameter', many: 'query parameters' },
  headers: { one: 'The header', many: 'headers' },
};

/** zod's own messages ("Invalid input: expected string, received undefined"); a schema's own ones are kept. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  uuid: 'a UUID',
  guid: 'a UUID',
  datetime: 'a date and time in ISO 8601 with its offset, e.g. 2025-01-20T09:00:00+01:00',
  date: 'a date written YYYY-MM-DD',
  url: 'a URL',
  email: 'an e-mail address',
};

type Issue = FastifySchemaValidationError & { params: Record<string, unknown> };

/** A validation error's issues with their field paths, in words an integrator can act on. */
export function fieldIssuesOf(validation: readonly FastifySchemaValidationError[]): FieldIssue[] {
  return validation.flatMap((v) => {
    const issue = v as Issue;
    const path = issue.instancePath === '/' ? '' : issue.instancePath;
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      return issue.params.keys.map((key) => ({
        path: `${path}/${String(key)}`,
        message: 'is not a field this endpoint knows; check its spelling',
      }));
    }
    return [{ path, message: plainMessage(issue) }];
  });
}

/** The problem's detail: which part of the request, and for one issue the issue itself. */
export function validationDetail(part: RequestPart | undefined, issues: readonly FieldIssue[]): string {
  const names = PART_NAMES[part ?? 'body'] ?? PART_NAMES.body;
  const [first] = issues;
  if (issues.length === 1 && first) {
    const field = first.path.replace(/^\//, '');
    return field === ''
      ? `The ${part === 'body' ? 'body' : 'request'} ${first.message}`
      : `${names.one} ${field} ${first.message}`;
  }
  return `${issues.length} ${names.many} are not valid; errors names each`;
}

function plainMessage(issue: Issue): string {
  const message = issue.message ?? '';
  if (!ZOD_DEFAULT_MESSAGE.test(message)) return message || 'is not valid';
  const { params } = issue;
  switch (issue.keyword) {
    case 'invalid_type':
      if (/received undefined$/.test(message)) return 'is required';
      return `must be ${TYPE_NAMES[String(params.expected)] ?? String(params.expected)}`;
    case 'invalid_value':
      return Array.isArray(params.values)
        ? `must be one of: ${params.values.map(String).join(', ')}`
        : 'is not one of the allowed values';
    case 'too_small':
      return bound('at least', 'greater than', params.minimum, params);
    case 'too_big':
      return bound('at most', 'less than', params.maximum, params);
    case 'invalid_format':
      return FORMAT_NAMES[String(params.format)]
        ? `must be ${FORMAT_NAMES[String(params.format)]}`
        : 'is not in the expected format';
    default:
      return 'is not valid';
  }
}

function bound(
  inclusiveWord: string,
  exclusiveWord: string,
  limit: unknown,
  params: Record<string, unknown>,
) {
  const word = params.inclusive === false ? exclusiveWord : inclusiveWord;
  if (params.origin === 'string') return `must be ${word} ${String(limit)} characters long`;
  if (params.origin === 'array' || params.origin === 'set') return `must have ${word} ${String(limit)} items`;
  return `must be ${word} ${String(limit)}`;
}
