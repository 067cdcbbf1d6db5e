import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FieldIssue } from '../domain/field-issue.js';
import { fieldIssueSchema } from './schemas.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with the offending fields in `errors`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldIssueSchema),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `errors` names each offending field.' });

export type Problem = z.output<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export interface ProblemInput {
  status: number;
  title?: string;
  detail?: string;
  errors?: FieldIssue[];
  /** A stable slug naming the kind of problem; `about:blank` when the status says it all. */
  code?: string;
}

/**
 * Sends a problem. `instance` is the request id, which joins the answer to the log lines of
 * the request without echoing the URL (a URL may carry values the client should not see
 * repeated).
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: ProblemInput): FastifyReply {
  const body: Problem = {
    type: p.code ? `https://planbrygga.se/problems/${p.code}` : 'about:blank',
    title: p.title ?? statusTitle(p.status),
    status: p.status,
    ...(p.detail !== undefined && { detail: p.detail }),
    instance: `urn:planbrygga:request:${request.id}`,
    errors: p.errors ?? [],
  };
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Seconds a client is asked to wait after a 503 for a dependency that is away (a restart takes a few). */
export const RETRY_AFTER_SECONDS = 5;

/** 503 with Retry-After: a dependency is away; the same request may succeed shortly. */
export function sendUnavailable(
  request: FastifyRequest,
  reply: FastifyReply,
  detail: string,
  errors?: FieldIssue[],
): FastifyReply {
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return sendProblem(request, reply, { status: 503, detail, ...(errors && { errors }) });
}

/** What a problem of each status means in this API; the problem's `detail` and `errors` say the rest. */
const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'A path segment, query parameter, header or the body cannot be read; `errors` names each',
  401: 'No valid API key or access token',
  403: "The credential lacks this route's scope",
  404: 'No such resource for the caller',
  409: "The resource's state does not allow this now; `detail` says why",
  412: 'If-Match names a version that is not the current one',
  413: 'The body is larger than this endpoint accepts',
  415: 'The body is not of a media type this endpoint accepts; `detail` names the accepted ones',
  422: 'The body is well-formed but breaks a rule; `errors` names each field by its path',
  429: 'Too many requests; wait the seconds of Retry-After',
  500: 'An unexpected error; it was logged under the request id in `instance`',
  503: 'A dependency (PostgreSQL) is unavailable; the same request may succeed after Retry-After',
};

export interface ProblemResponse {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof problemSchema } };
}

export function problemResponse(status: number): ProblemResponse {
  return {
    description: PROBLEM_DESCRIPTIONS[status] ?? 'The request was refused',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
  };
}

/** The problems a route answers with, as its `response` declares them: problem+json with their meaning. */
export function problemResponses<const S extends number>(...statuses: S[]): Record<S, ProblemResponse> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)])) as Record<
    S,
    ProblemResponse
  >;
}
