import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Queues } from '../../delivery/queues/queues.js';
import type { ServiceContext } from '../../services/context.js';
import type { AccessTokenVerifier } from '../auth/access-tokens.js';
import type { SignIn } from '../browser/sign-in.js';
import { createAdminSessions } from './admin-session.js';
import { registerDashboard } from './dashboard.js';
import { loginRoutes } from './login.routes.js';

/** A working day: an admin logs in once in the morning. */
const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** The browser side of administration: login and logout, and the queue dashboard. */
export async function registerAdminPages(
  app: FastifyInstance,
  deps: {
    ctx: ServiceContext;
    tokens: AccessTokenVerifier | null;
    queues: Queues;
    redis: Redis;
    operatorOrganisation: string | null;
    /** The sign-in through the OpenID provider that the inbox uses too; null without OIDC_ISSUER. */
    signIn: SignIn | null;
  },
): Promise<void> {
  const { ctx, tokens, operatorOrganisation, signIn } = deps;
  const sessions = createAdminSessions(deps.redis, ctx, SESSION_TTL_SECONDS);
  const sessionTtlSeconds = SESSION_TTL_SECONDS;
  await loginRoutes(app, { ctx, tokens, sessions, sessionTtlSeconds, operatorOrganisation, signIn });
  await registerDashboard(app, { ctx, tokens, queues: deps.queues, sessions, operatorOrganisation, signIn });
}
