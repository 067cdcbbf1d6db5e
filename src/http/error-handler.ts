import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/availability.js';
import { LifecycleError } from '../domain/lifecycle/errors.js';
import { DomainError } from '../services/errors.js';
import { sendProblem, sendUnavailable } from './problem.js';
import { fieldIssuesOf, type RequestPart, validationDetail } from './validation-issues.js';

/**
 * Fastify's own 4xx errors, answered with our words: some of fastify's messages quote the
 * request (a JSON syntax error repeats part of the body), and the body may hold a personnummer.
 */
const FRAMEWORK_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not well-formed JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is larger than this endpoint accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This endpoint does not accept that Content-Type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length does not match the body',
  FST_ERR_CTP_INVALID_TYPE: 'The Content-Type header is not valid',
  FST_ERR_CTP_EMPTY_TYPE: 'The Content-Type header is empty',
  FST_ERR_BAD_URL: 'The URL is not valid',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is longer than this API accepts',
  FST_ERR_ASYNC_CONSTRAINT: 'The request could not be routed',
};

/** Errors fastify's router raises before any route or hook runs (a malformed URL, an overlong id). */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  sendProblem(request, reply, {
    status: error.statusCode ?? 400,
    detail: FRAMEWORK_ERRORS[error.code] ?? 'The request was refused',
  });
}

/** One error handler for the whole app: every error becomes problem+json; 5xx details stay in the log. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError || error instanceof LifecycleError) {
      return sendProblem(request, reply, {
        status: error.status,
        title: error.title,
        detail: error.message,
        errors: error.issues,
        ...('code' in error && { code: error.code }),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = error.validationContext as RequestPart | undefined;
      const errors = fieldIssuesOf(error.validation);
      return sendProblem(request, reply, {
        status: part === 'body' ? 422 : 400,
        detail: validationDetail(part, errors),
        errors,
      });
    }
    if (isDatabaseUnavailable(error)) {
      // The database's outage is logged once by the pool (db/availability.ts), not per request.
      request.log.debug({ err: error }, 'answered 503: PostgreSQL is unavailable');
      return sendUnavailable(request, reply, 'The database is unavailable; try again shortly');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError') {
        return sendProblem(request, reply, {
          status: 400,
          detail: FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY,
        });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return sendProblem(request, reply, {
          status,
          detail: `This endpoint accepts ${acceptedMediaTypes(request).join(', ')} bodies; the Content-Type sent is not one of them`,
          errors: [{ path: '', message: 'has a Content-Type this endpoint does not accept' }],
        });
      }
      return sendProblem(request, reply, {
        status,
        detail: FRAMEWORK_ERRORS[error.code] ?? 'The request was refused',
      });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, {
      status: 500,
      detail: 'An unexpected error occurred; it has been logged',
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { status: 404, detail: 'No resource at this path' }),
  );
}

/** The media types a route's body may have: those its schema names per type, else JSON. */
function acceptedMediaTypes(request: FastifyRequest): string[] {
  const body = request.routeOptions.schema?.body as { content?: Record<string, unknown> } | undefined;
  return body?.content ? Object.keys(body.content) : ['application/json'];
}
