import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Db } from './db/database.js';
import type { NotificationListener } from './db/notification-listener.js';
import type { PlanDocumentCodec } from './db/plan-document-codec.js';
import { jobTables } from './delivery/outbox/outbox.repository.js';
import type { Queues } from './delivery/queues/queues.js';
import { registerAdminPages } from './http/admin/admin-pages.js';
import { registerAuditLog } from './http/audit/audit-log.js';
import { createAccessTokenVerifier } from './http/auth/access-tokens.js';
import { registerAuthentication, registerAuthorization } from './http/auth/authentication.js';
import { registerBrowserPages } from './http/browser/browser-pages.js';
import { answerFrameworkError, registerErrorHandler } from './http/error-handler.js';
import { registerIdempotency } from './http/idempotency.js';
import { registerJsonBodyParser } from './http/json-body.js';
import { registerOpenApi } from './http/openapi.js';
import { RequestLog } from './http/request-log.js';
import { registerRouteRegistry } from './http/route-registry.js';
import { adminDeliveryRoutes } from './http/routes/admin-deliveries.routes.js';
import { adminDestinationRoutes } from './http/routes/admin-destinations.routes.js';
import { auditRoutes } from './http/routes/audit.routes.js';
import { changesRoutes } from './http/routes/changes.routes.js';
import { complianceRoutes } from './http/routes/compliance.routes.js';
import { dataProtectionRoutes } from './http/routes/data-protection.routes.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { inboxRoutes } from './http/routes/inbox.routes.js';
import { lifecycleRoutes } from './http/routes/lifecycle.routes.js';
import { metricsRoutes } from './http/routes/metrics.routes.js';
import { nativePlanRoutes } from './http/routes/native-plans.routes.js';
import { needEvaluationRoutes } from './http/routes/need-evaluations.routes.js';
import { planDocumentRoutes } from './http/routes/plan-documents.routes.js';
import { planListRoutes } from './http/routes/plan-list.routes.js';
import { planPushRoutes } from './http/routes/plan-push.routes.js';
import { planReadRoutes } from './http/routes/plan-read.routes.js';
import { policyRoutes } from './http/routes/policies.routes.js';
import { submissionRoutes } from './http/routes/submissions.routes.js';
import { registerRateLimit } from './http/security/rate-limit.js';
import { registerSecurityHeaders } from './http/security/security-headers.js';
import { registerZodCompilers } from './http/zod-compilers.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics/metrics.js';
import { createChangeWaiters } from './services/change-waiters.js';
import type { Clock, ServiceContext } from './services/context.js';

/** Everything a process needs, built once by `createDependencies` (or by a test). */
export interface AppDependencies {
  config: Readonly<Config>;
  db: Db;
  redis: Redis;
  /** The BullMQ queues (opened on first use): the relay publishes to them, admins look into them. */
  queues: Queues;
  /** The process's one LISTEN connection (opened on first use): the relay and long-polling requests share it. */
  notifications: NotificationListener;
  logger: Logger;
  clock: Clock;
  codec: PlanDocumentCodec;
  cipher: FieldCipher;
}

export const API_VERSION = '1.0.0';

export function serviceContext(deps: AppDependencies): ServiceContext {
  return {
    db: deps.db,
    clock: deps.clock,
    codec: deps.codec,
    cipher: deps.cipher,
    indexKey: deps.config.indexKey,
  };
}

/** Bodies of JSON routes; routes that take a plan document raise it to MAX_DOCUMENT_BYTES. */
export const JSON_BODY_LIMIT = 64 * 1024;

/** The HTTP API. Opens no port: `serve` listens, tests use `app.inject()`. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const ctx = serviceContext(deps);
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the generic parameters differ only in custom levels.
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    connectionTimeout: deps.config.http.connectionTimeoutMs,
    requestTimeout: deps.config.http.requestTimeoutMs,
    keepAliveTimeout: deps.config.http.keepAliveTimeoutMs,
    bodyLimit: JSON_BODY_LIMIT,
    frameworkErrors: answerFrameworkError,
    logController: new RequestLog(),
  });

  registerRouteRegistry(app);
  registerZodCompilers(app);
  registerJsonBodyParser(app);
  registerErrorHandler(app);
  await registerSecurityHeaders(app, deps.config.http);
  // Identify the caller, count the request against its limit, then refuse or let it through.
  const { oauth } = deps.config;
  const tokens =
    oauth &&
    createAccessTokenVerifier(oauth, {
      clock: ctx.clock,
      onKeyFetchError: (err) =>
        app.log.warn(
          { err },
          'access tokens: the signing keys could not be fetched; the cached ones stay in use',
        ),
    });
  registerAuthentication(app, ctx, { apiKeyCacheMs: deps.config.http.apiKeyCacheMs, tokens });
  registerRateLimit(app, deps.redis, deps.config.http);
  registerAuthorization(app);
  registerAuditLog(app, ctx);
  registerIdempotency(app, ctx);
  await registerOpenApi(app, { version: API_VERSION, publicUrl: deps.config.publicUrl });

  healthRoutes(app, { db: deps.db, redis: deps.redis });
  planPushRoutes(app, ctx);
  planReadRoutes(app, ctx);
  planListRoutes(app, ctx);
  const changeWaiters = createChangeWaiters(deps.notifications);
  // Long-pollers are answered before the server waits for open requests to finish.
  app.addHook('preClose', async () => changeWaiters.close());
  changesRoutes(app, ctx, changeWaiters);
  nativePlanRoutes(app, ctx);
  planDocumentRoutes(app, ctx);
  lifecycleRoutes(app, ctx);
  dataProtectionRoutes(app, ctx);
  complianceRoutes(app, ctx);
  policyRoutes(app, ctx);
  submissionRoutes(app, ctx);
  inboxRoutes(app, ctx);
  needEvaluationRoutes(app, ctx);
  adminDestinationRoutes(app, ctx);
  adminDeliveryRoutes(app, { ...ctx, queues: deps.queues });
  const signIn = await registerBrowserPages(app, { config: deps.config.oidc, ctx, redis: deps.redis });
  const { operatorOrganisation } = deps.config;
  await registerAdminPages(app, {
    ctx,
    tokens,
    queues: deps.queues,
    redis: deps.redis,
    operatorOrganisation,
    signIn,
  });
  metricsRoutes(app, {
    ctx,
    tokens,
    registry: createMetrics({
      db: jobTables(deps.db),
      records: deps.db,
      queues: deps.queues,
      logger: deps.logger,
      changeWaiters,
    }),
    token: deps.config.metricsToken,
    operatorOrganisation,
  });
  auditRoutes(app, ctx);
  return app;
}
