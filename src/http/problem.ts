import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FieldIssue } from '../domain/field-issue.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with the offending fields in `errors`. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
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

/** Response schemas of the problems a route can answer with, for the OpenAPI document. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema]));
}
