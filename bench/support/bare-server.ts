// The ingest benchmark's floor: a bare fastify route in its own process, as the service runs,
// that takes the pushed JSON and inserts the baseline's rows for it (insertPlanCopy) — HTTP,
// body parsing and the same inserts, nothing of the service's own work.
// Run by bench/ingest.ts with PORT, DATABASE_URL and BARE_TEMPLATE (a JSON file of TableRows[]).
import { readFileSync } from 'node:fs';
import fastify from 'fastify';
import pg from 'pg';
import { insertPlanCopy, type TableRows } from './plan-rows.js';

const template = JSON.parse(readFileSync(process.env.BARE_TEMPLATE ?? '', 'utf8')) as TableRows[];
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = fastify({ bodyLimit: 5 * 1024 * 1024 });
app.get('/health', async () => ({ status: 'ok' }));
app.post('/v1/plans', async (request, reply) => {
  const body = request.body as { plan: { sourcePlanId: string } };
  await insertPlanCopy(pool, template, `bare-${body.plan.sourcePlanId}`);
  return reply.code(201).send({ sourcePlanId: body.plan.sourcePlanId });
});
process.on('SIGTERM', () => {
  void app.close().then(() => pool.end());
});
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
