import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { encryptionContexts } from '../crypto/contexts.js';
import { isDatabaseUnavailable, retryWhileUnavailable } from '../db/availability.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../db/repositories/idempotency.repository.js';
import type { IdempotencyRow } from '../db/schema.js';
import type { ServiceContext } from '../services/context.js';
import { badRequest, conflict, DomainError } from '../services/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim: { clientId: string; key: string } | null;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
/** A claim whose request never finished (the process died) may be retried after this long. */
const CLAIM_TTL_MS = 60_000;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/**
 * `Idempotency-Key` on any POST under /v1 (draft-ietf-httpapi-idempotency-key-header): the
 * first request with a key claims it and its answer is stored in PostgreSQL; a retry with
 * the same key and body gets the stored answer, with another body a 422, while the first
 * is still running a 409. 5xx answers are not stored, so the retry runs again.
 */
export function registerIdempotency(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('idempotencyClaim', null);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.caller) return;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw badRequest('Idempotency-Key must be 1–255 visible ASCII characters', [
        { path: '/headers/idempotency-key', message: 'is not a valid key' },
      ]);
    }
    const now = ctx.clock();
    const existing = await claimIdempotencyKey(ctx.db, {
      clientId: request.caller.clientId,
      key,
      requestHash: requestHash(request),
      now,
      staleBefore: new Date(now.getTime() - CLAIM_TTL_MS),
    });
    if (!existing) {
      request.idempotencyClaim = { clientId: request.caller.clientId, key };
      return;
    }
    return replay(request, reply, existing, ctx);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = null;
    const body =
      typeof payload === 'string' ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : undefined;
    if (reply.statusCode >= 500 || body === undefined) {
      await releaseIdempotencyKey(ctx.db, claim.clientId, claim.key).catch((error: unknown) =>
        releaseWhenBack(request, ctx, claim, error),
      );
      return payload;
    }
    const headers = Object.fromEntries(
      REPLAYED_HEADERS.flatMap((name) => {
        const value = reply.getHeader(name);
        return value === undefined ? [] : [[name, String(value)]];
      }),
    );
    await completeIdempotencyKey(ctx.db, claim.clientId, claim.key, {
      status: reply.statusCode,
      headers,
      // A stored answer can hold whatever the route answered with, so it is encrypted like personal data.
      body: ctx.cipher.encrypt(body, encryptionContexts.idempotencyBody(claim.clientId, claim.key)),
      completedAt: ctx.clock(),
    }).catch((error: unknown) => releaseWhenBack(request, ctx, claim, error));
    return payload;
  });
}

/**
 * PostgreSQL went away while the request ran, so its key could be neither released nor
 * completed: the answer goes now, and the key is released once the database is back. A retry
 * after the outage then runs the request again (a push of the same content changes nothing)
 * instead of meeting 409 until the claim goes stale. Any other error is the request's.
 */
function releaseWhenBack(
  request: FastifyRequest,
  ctx: ServiceContext,
  claim: { clientId: string; key: string },
  error: unknown,
): void {
  if (!isDatabaseUnavailable(error)) throw error;
  retryWhileUnavailable(() => releaseIdempotencyKey(ctx.db, claim.clientId, claim.key), {
    maxWaitMs: CLAIM_TTL_MS,
  }).catch((err: unknown) =>
    request.log.warn({ err }, 'an Idempotency-Key stays claimed until it goes stale (a minute)'),
  );
}

function replay(
  request: FastifyRequest,
  reply: FastifyReply,
  row: IdempotencyRow,
  ctx: ServiceContext,
): FastifyReply {
  if (row.request_hash !== requestHash(request)) {
    throw new DomainError(
      422,
      'Idempotency key reused',
      'This Idempotency-Key was used with a different request',
      [{ path: '/headers/idempotency-key', message: 'was already used for another request' }],
    );
  }
  if (row.response_status === null || row.response_body === null) {
    throw conflict('A request with this Idempotency-Key is still being processed');
  }
  return reply
    .code(row.response_status)
    .headers({ ...row.response_headers, 'idempotent-replayed': 'true' })
    .send(ctx.cipher.decrypt(row.response_body, encryptionContexts.idempotencyBody(row.client_id, row.key)));
}

function requestHash(request: FastifyRequest): string {
  const body = Buffer.isBuffer(request.body)
    ? request.body
    : Buffer.from(JSON.stringify(request.body ?? null));
  return createHash('sha256').update(`${request.method} ${request.url}\n`).update(body).digest('hex');
}
