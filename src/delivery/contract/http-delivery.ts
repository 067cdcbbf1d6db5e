import { UnrecoverableError } from 'bullmq';
import { maskIdentityNumbers } from '../../domain/identity-number.js';
import { RetryableDeliveryError } from './backoff.js';
import { webhookHeaders } from './webhook-signature.js';

/** One signed POST to a destination. */
export interface DeliveryRequest {
  url: string;
  /** The document in the destination system's format, or a small JSON body for events without one. */
  body: Uint8Array | string;
  contentType: string;
  /** The `webhook-id`: the same on every retry, so the receiver can drop duplicates. */
  webhookId: string;
  /** The destination's `whsec_<base64>` secret. */
  secret: string;
  /** What the delivery is about: `planbrygga-event`, `planbrygga-plan-id`, `planbrygga-plan-version`. */
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborts the attempt on shutdown; the job is then retried. */
  signal?: AbortSignal;
}

export interface DeliveryDependencies {
  fetch: typeof globalThis.fetch;
  clock: () => Date;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; reason: string; retryAfterMs: number | null }
  | { kind: 'failed'; status: number; reason: string };

// Enough of an error body to tell why; receivers may echo content, so it is bounded and masked.
const REASON_SNIPPET_BYTES = 200;
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/;

/**
 * Sends one attempt and classifies the answer: 2xx delivered; 408, 429, 5xx, network errors and
 * timeouts retry (429/503 with their Retry-After); any other status fails at once. Redirects
 * are not followed: a signed document goes only to the URL the organisation registered.
 */
export async function deliver(
  request: DeliveryRequest,
  { fetch, clock }: DeliveryDependencies,
): Promise<DeliveryOutcome> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        ...request.headers,
        'content-type': request.contentType,
        ...webhookHeaders(request.secret, request.webhookId, clock(), request.body),
      },
      body: request.body,
    });
  } catch (error) {
    return { kind: 'retry', status: null, reason: networkReason(error, timeout), retryAfterMs: null };
  }

  const { status } = response;
  if (status >= 200 && status < 300) {
    await response.body?.cancel();
    return { kind: 'delivered', status };
  }
  const reason = `HTTP ${status}${await reasonSnippet(response)}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), clock()) : null;
    return { kind: 'retry', status, reason, retryAfterMs };
  }
  return { kind: 'failed', status, reason };
}

/** Turns an outcome into what BullMQ expects of a processor: return, a retryable error, or an unrecoverable one. */
export function throwUnlessDelivered(outcome: DeliveryOutcome): void {
  if (outcome.kind === 'retry') throw new RetryableDeliveryError(outcome.reason, outcome.retryAfterMs);
  if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.reason);
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 10.2.3), in milliseconds from now. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would accept "-5" as a year.
  if (!HTTP_DATE_START.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}

function networkReason(error: unknown, timeout: AbortSignal): string {
  if (timeout.aborted) return 'timeout';
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
  return `network error${code ? ` (${code})` : ''}`;
}

async function reasonSnippet(response: Response): Promise<string> {
  const text = await readAtMost(response, REASON_SNIPPET_BYTES);
  const oneLine = maskIdentityNumbers(text)
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
  return oneLine ? `: ${oneLine}` : '';
}

async function readAtMost(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch {
    // A body that breaks off says nothing more than the status already did.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  // Cutting at a byte limit may split a character; the decoder replaces the fragment.
  return new TextDecoder().decode(bytes);
}
