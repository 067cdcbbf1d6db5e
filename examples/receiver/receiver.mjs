#!/usr/bin/env node
// A small receiving system for planbrygga's deliveries, to read and to start from
// (docs/receiving.md explains each step). Node.js ≥ 20, no dependencies:
//
//   WEBHOOK_SECRET=whsec_… PORT=8080 node examples/receiver/receiver.mjs
//
// It verifies every request's Standard Webhooks signature over the raw body, stores the
// document durably before it answers 2xx, drops duplicates by `webhook-id` (they are answered
// 2xx too, so the sender stops), and, when PLANBRYGGA_URL and PLANBRYGGA_API_KEY are set,
// confirms each submission with a receipt. Documents land in STORE_DIR (default ./received).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const SECRET = process.env.WEBHOOK_SECRET ?? '';
const PORT = Number(process.env.PORT ?? 8080);
const HOST = process.env.HOST ?? '127.0.0.1';
const STORE_DIR = process.env.STORE_DIR ?? 'received';
const PLANBRYGGA_URL = process.env.PLANBRYGGA_URL ?? '';
const PLANBRYGGA_API_KEY = process.env.PLANBRYGGA_API_KEY ?? '';
const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 20 * 1024 * 1024;

if (!/^whsec_[A-Za-z0-9+/]+=*$/.test(SECRET)) {
  console.error('WEBHOOK_SECRET must be the destination secret, whsec_<base64>');
  process.exit(2);
}
const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');

/** Standard Webhooks: HMAC-SHA256 of "id.timestamp.body", any of the space-separated v1 signatures. */
function verified(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !signatures || !/^\d+$/.test(timestamp ?? '')) return false;
  // A stale or future timestamp is a replay of an old request, or a clock far off.
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',', 2);
    const received = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && received.length === expected.length && timingSafeEqual(received, expected);
  });
}

/** The webhook ids already stored, kept on disk so a restart still recognises a retry. */
const seenFile = join(STORE_DIR, 'seen-webhook-ids');
await mkdir(STORE_DIR, { recursive: true });
const seen = new Set((await readFile(seenFile, 'utf8').catch(() => '')).split('\n').filter(Boolean));
const storing = new Map();

/** Stores the delivery, then records its id: a crash in between stores it again, never loses it. */
async function store(id, headers, body) {
  const name = id.replace(/[^A-Za-z0-9_-]/g, '_');
  const meta = {
    webhookId: id,
    event: headers['planbrygga-event'],
    planId: headers['planbrygga-plan-id'],
    version: headers['planbrygga-plan-version'],
    submissionId: headers['planbrygga-submission-id'],
    contentType: headers['content-type'],
    receivedAt: new Date().toISOString(),
  };
  await writeFile(join(STORE_DIR, `${name}.tmp`), body, { flush: true });
  await rename(join(STORE_DIR, `${name}.tmp`), join(STORE_DIR, `${name}.body`));
  await writeFile(join(STORE_DIR, `${name}.json`), `${JSON.stringify(meta, null, 2)}\n`, { flush: true });
  await appendFile(seenFile, `${id}\n`, { flush: true });
  seen.add(id);
  return meta;
}

/** The receipt: planbrygga records the submission as acknowledged by this system. */
async function confirm(meta) {
  if (!PLANBRYGGA_URL || !PLANBRYGGA_API_KEY) return;
  if (meta.event !== 'plan.submitted' || !meta.planId || !meta.submissionId) return;
  const url = `${PLANBRYGGA_URL}/v1/plans/${meta.planId}/submissions/${meta.submissionId}/receipt`;
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${PLANBRYGGA_API_KEY}` } });
  console.log(`receipt for submission ${meta.submissionId}: HTTP ${res.status}`);
}

async function readBody(req) {
  const chunks = [];
  let length = 0;
  for await (const chunk of req) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = createServer(async (req, res) => {
  const answer = (status, headers = {}) => res.writeHead(status, headers).end();
  if (req.method !== 'POST') return answer(405, { allow: 'POST' });
  const body = await readBody(req);
  // 4xx other than 408/429: planbrygga fails the delivery at once, visibly, without retrying.
  if (body === null) return answer(413);
  if (!verified(req.headers, body)) return answer(401);
  const id = req.headers['webhook-id'];
  if (seen.has(id)) {
    console.log(`duplicate ${id} answered 200; stored once`);
    return answer(200);
  }
  let meta;
  try {
    // A retry that arrives while the first attempt is still being stored waits for it.
    if (!storing.has(id)) storing.set(id, store(id, req.headers, body).finally(() => storing.delete(id)));
    meta = await storing.get(id);
  } catch (error) {
    // Not stored: 503 with Retry-After, and planbrygga tries again later with the same id.
    console.error(`could not store ${id}: ${error.message}`);
    return answer(503, { 'retry-after': '30' });
  }
  console.log(`stored ${meta.event} ${id} (plan ${meta.planId}, version ${meta.version})`);
  answer(204);
  confirm(meta).catch((error) => console.error(`receipt failed: ${error.message}`));
});

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(`receiver listening on http://${HOST}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
