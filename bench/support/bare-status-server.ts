// The status benchmark's floor: a bare fastify route in its own process, as the service runs,
// that answers the same GET with 304 whenever it carries an If-None-Match, and otherwise with a
// small JSON body. HTTP and routing, nothing of the service's own work.
// Run by bench/status.ts with PORT.
import fastify from 'fastify';

const app = fastify();
app.get('/health', async () => ({ status: 'ok' }));
app.get('/v1/plans/:id/status', async (request, reply) => {
  reply.header('etag', '"bare"');
  if (request.headers['if-none-match']) return reply.code(304).send();
  return reply.send({ id: (request.params as { id: string }).id, status: 'bare' });
});
process.on('SIGTERM', () => {
  void app.close();
});
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
