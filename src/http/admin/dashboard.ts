import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE_NAMES } from '../../delivery/queues/catalogue.js';
import type { Queues } from '../../delivery/queues/queues.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import type { AccessTokenVerifier } from '../auth/access-tokens.js';
import type { SignIn } from '../browser/sign-in.js';
import { sendProblem } from '../problem.js';
import { recordAdminAction } from './admin-audit.js';
import { type AdminSessions, adminCaller, isSameOrigin, mayChange, mayOperate } from './admin-session.js';
import { DASHBOARD_PATH, LOGIN_PATH } from './login.routes.js';

/**
 * The changes an admin may make through the dashboard, each recorded under its audit action.
 * Anything else bull-board offers (adding jobs, editing their data, emptying or obliterating a
 * queue, schedulers, limits) is refused: work enters the queues only through the outbox,
 * where it is checked, and a job's data never holds anything an admin types.
 */
const ALLOWED_CHANGES: Readonly<Record<string, string>> = {
  'PUT /api/queues/:queueName/:jobId/retry': 'admin.queues.job.retry',
  'PUT /api/queues/:queueName/:jobId/promote': 'admin.queues.job.promote',
  'PUT /api/queues/:queueName/:jobId/clean': 'admin.queues.job.clean',
  'PUT /api/queues/:queueName/retry/:queueStatus': 'admin.queues.retry_all',
  'PUT /api/queues/:queueName/promote': 'admin.queues.promote_all',
  'PUT /api/queues/:queueName/clean/:queueStatus': 'admin.queues.clean_all',
  'PUT /api/queues/:queueName/pause': 'admin.queues.pause',
  'PUT /api/queues/:queueName/resume': 'admin.queues.resume',
  'PUT /api/queues/pause': 'admin.queues.pause_all',
  'PUT /api/queues/resume': 'admin.queues.resume_all',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller of an admin page, once the dashboard's guard let it through. */
    adminCaller: Caller | null;
  }
}

export interface DashboardOptions {
  ctx: ServiceContext;
  /** Verifies OAuth2 access tokens sent as Bearer; null: API keys only. */
  tokens: AccessTokenVerifier | null;
  queues: Queues;
  sessions: AdminSessions;
  /** OPERATOR_ORGANISATION: the only organisation whose keys see the board; null: any organisation's. */
  operatorOrganisation: string | null;
  /** Sign-in through the OpenID provider (people with OIDC_ADMIN_ROLE); null without OIDC_ISSUER. */
  signIn: SignIn | null;
}

/**
 * bull-board at /admin/queues for every queue. Admins change jobs (the changes above);
 * viewers see the same board read-only: bull-board's per-queue read-only flag is set on the
 * queue list they receive, so the UI hides its buttons, and the guard refuses any change a
 * viewer sends anyway.
 */
export async function registerDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter().setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(options.queues.queue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'planbrygga', hideRedisDetails: true } },
  });
  app.decorateRequest('adminCaller', null);

  const board: FastifyPluginAsync = async (scope) => {
    scope.addHook('onRequest', (request, reply) => guard(request, reply, options));
    scope.addHook('onSend', async (request, reply, payload) => {
      if (!request.adminCaller) return payload;
      const change = changeOf(request);
      if (change) {
        await recordAdminAction(options.ctx, request, request.adminCaller, change, reply.statusCode, {
          ...(request.params as Record<string, string>),
        });
      }
      if (!mayChange(request.adminCaller) && apiPath(request) === '/api/queues') return readOnly(payload);
      return payload;
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  };
  await app.register(board);
}

async function guard(
  request: FastifyRequest,
  reply: FastifyReply,
  options: DashboardOptions,
): Promise<FastifyReply | undefined> {
  const credential = await adminCaller(request, options);
  const isApi = apiPath(request).startsWith('/api/');
  if (!credential) {
    if (!isApi && request.method === 'GET') return reply.redirect(LOGIN_PATH, 302);
    return refuse(request, reply, 401, 'Log in at /admin/login, or send Authorization: Bearer <key>');
  }
  const { caller, via } = credential;
  if (!mayOperate(caller, options.operatorOrganisation)) {
    return refuse(
      request,
      reply,
      403,
      "The dashboard needs the operating organisation's admin or viewer scope",
    );
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    if (!mayChange(caller))
      return refuse(request, reply, 403, 'A viewer sees the queues but changes nothing');
    if (via === 'session' && !isSameOrigin(request)) {
      return refuse(request, reply, 403, 'The request did not come from this site');
    }
    if (!changeOf(request)) {
      return refuse(
        request,
        reply,
        403,
        'Jobs change only through the outbox; the dashboard retries, promotes and cleans',
      );
    }
  }
  request.adminCaller = caller;
  return undefined;
}

// Answered here, not thrown: errors inside bull-board's plugin go to its own error handler.
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, detail: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return sendProblem(request, reply, { status, detail });
}

function apiPath(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? '';
  return url.startsWith(DASHBOARD_PATH) ? url.slice(DASHBOARD_PATH.length) : url;
}

function changeOf(request: FastifyRequest): string | undefined {
  return ALLOWED_CHANGES[`${request.method} ${apiPath(request)}`];
}

function readOnly(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  const body = JSON.parse(payload) as { queues?: Record<string, unknown>[] };
  for (const queue of body.queues ?? []) {
    queue.readOnlyMode = true;
    queue.allowRetries = false;
  }
  return JSON.stringify(body);
}
