import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One access-log line per request, written when its answer has gone: the request (method and
 * URL, masked by the logger's `req` serializer), the status and the time taken, under the
 * request's id. Fastify's own default is a pair of lines ("incoming request", then "request
 * completed"): one line halves the log volume of the busiest path and loses nothing but the
 * line of a request still in flight. Fastify's other log lines are left as they are.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
