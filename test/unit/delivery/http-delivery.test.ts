import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableDeliveryError } from '../../../src/delivery/contract/backoff.js';
import {
  type DeliveryRequest,
  deliver,
  parseRetryAfter,
  throwUnlessDelivered,
} from '../../../src/delivery/contract/http-delivery.js';
import { verifyWebhook } from '../../../src/delivery/contract/webhook-signature.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = new Date('2026-11-23T10:00:00Z');
const DOCUMENT = '{"kund":{"personnummer":"191212121212"}}';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const received: Received[] = [];
let server: Server;
let baseUrl: string;

// Each path answers the way one kind of receiver does.
const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200).end('ok'),
  '/created': (res) => res.writeHead(201).end(),
  '/bad-request': (res) =>
    res
      .writeHead(400, { 'content-type': 'text/plain' })
      .end(`field kund.personnummer 191212121212 is invalid\n${'x'.repeat(5000)}`),
  '/not-found': (res) => res.writeHead(404).end(),
  '/request-timeout': (res) => res.writeHead(408).end(),
  '/too-many-seconds': (res) => res.writeHead(429, { 'retry-after': '120' }).end(),
  '/too-many-date': (res) => res.writeHead(429, { 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }).end(),
  '/unavailable': (res) => res.writeHead(503, { 'retry-after': '7' }).end('down for maintenance'),
  '/server-error': (res) => res.writeHead(500, { 'retry-after': '7' }).end(),
  '/redirect': (res) => res.writeHead(302, { location: '/ok' }).end(),
  '/slow': (res) => {
    setTimeout(() => res.writeHead(200).end(), 2_000).unref();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const route = routes[path];
      if (route) route(res);
      else res.writeHead(404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function request(path: string, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    url: `${baseUrl}${path}`,
    body: DOCUMENT,
    contentType: 'application/json; charset=utf-8',
    webhookId: 'submission.deliver-42',
    secret: SECRET,
    headers: {
      'planbrygga-event': 'plan.submitted',
      'planbrygga-plan-id': 'p-1',
      'planbrygga-plan-version': '3',
    },
    timeoutMs: 1_000,
    ...overrides,
  };
}

const dependencies = { fetch: globalThis.fetch, clock: () => NOW };

describe('deliver', () => {
  it('POSTs the document with its own Content-Type, the planbrygga headers and a verifiable signature', async () => {
    const outcome = await deliver(request('/ok'), dependencies);
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    const got = received.at(-1)!;
    expect(got.body).toBe(DOCUMENT);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.headers['planbrygga-event']).toBe('plan.submitted');
    expect(got.headers['planbrygga-plan-version']).toBe('3');
    expect(got.headers['webhook-id']).toBe('submission.deliver-42');
    expect(got.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    expect(() => verifyWebhook(SECRET, headers, got.body, { now: NOW })).not.toThrow();
  });

  it('treats every 2xx as delivered', async () => {
    expect(await deliver(request('/created'), dependencies)).toEqual({ kind: 'delivered', status: 201 });
  });

  it('keeps the webhook-id across attempts while the timestamp follows the clock', async () => {
    const later = new Date(NOW.getTime() + 60_000);
    await deliver(request('/unavailable'), dependencies);
    await deliver(request('/ok'), { ...dependencies, clock: () => later });
    const [first, second] = received.slice(-2);
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    expect(Number(second!.headers['webhook-timestamp']) - Number(first!.headers['webhook-timestamp'])).toBe(
      60,
    );
  });

  it('fails a 4xx at once with a bounded, masked reason that never echoes the document', async () => {
    const outcome = await deliver(request('/bad-request'), dependencies);
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.status).toBe(400);
    expect(outcome.reason).toMatch(/^HTTP 400: field kund\.personnummer \[identity number\] is invalid/);
    expect(outcome.reason).not.toContain('191212121212');
    expect(outcome.reason.length).toBeLessThan(230);
    expect(await deliver(request('/not-found'), dependencies)).toEqual({
      kind: 'failed',
      status: 404,
      reason: 'HTTP 404',
    });
  });

  it('does not follow redirects', async () => {
    expect(await deliver(request('/redirect'), dependencies)).toMatchObject({ kind: 'failed', status: 302 });
    expect(received.at(-1)!.path).toBe('/redirect');
  });

  it('retries 408 and 5xx; Retry-After counts only for 429 and 503', async () => {
    expect(await deliver(request('/request-timeout'), dependencies)).toEqual({
      kind: 'retry',
      status: 408,
      reason: 'HTTP 408',
      retryAfterMs: null,
    });
    expect(await deliver(request('/unavailable'), dependencies)).toEqual({
      kind: 'retry',
      status: 503,
      reason: 'HTTP 503: down for maintenance',
      retryAfterMs: 7_000,
    });
    expect(await deliver(request('/server-error'), dependencies)).toMatchObject({
      status: 500,
      retryAfterMs: null,
    });
  });

  it('honours Retry-After on 429 as seconds or as an HTTP-date', async () => {
    expect(await deliver(request('/too-many-seconds'), dependencies)).toMatchObject({
      kind: 'retry',
      status: 429,
      retryAfterMs: 120_000,
    });
    expect(await deliver(request('/too-many-date'), dependencies)).toMatchObject({
      kind: 'retry',
      status: 429,
      retryAfterMs: 30_000,
    });
  });

  it('retries a receiver slower than the timeout', async () => {
    const started = Date.now();
    const outcome = await deliver(request('/slow', { timeoutMs: 200 }), dependencies);
    expect(outcome).toEqual({ kind: 'retry', status: null, reason: 'timeout', retryAfterMs: null });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('retries when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const outcome = await deliver(request('/', { url: `http://127.0.0.1:${port}/` }), dependencies);
    expect(outcome).toEqual({
      kind: 'retry',
      status: null,
      reason: 'network error (ECONNREFUSED)',
      retryAfterMs: null,
    });
  });

  it('gives up the attempt when shutdown aborts it', async () => {
    const shutdown = new AbortController();
    const pending = deliver(request('/slow', { timeoutMs: 5_000, signal: shutdown.signal }), dependencies);
    setTimeout(() => shutdown.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'retry', reason: 'aborted' });
  });
});

describe('throwUnlessDelivered', () => {
  it('maps outcomes to what BullMQ expects', () => {
    expect(() => throwUnlessDelivered({ kind: 'delivered', status: 204 })).not.toThrow();
    expect(() => throwUnlessDelivered({ kind: 'failed', status: 400, reason: 'HTTP 400' })).toThrow(
      UnrecoverableError,
    );
    try {
      throwUnlessDelivered({ kind: 'retry', status: 429, reason: 'HTTP 429', retryAfterMs: 5_000 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RetryableDeliveryError);
      expect((error as RetryableDeliveryError).retryAfterMs).toBe(5_000);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP-dates, past dates and garbage', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 15 ', NOW)).toBe(15_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});
