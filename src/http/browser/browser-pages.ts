import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { OidcConfig } from '../../config.js';
import type { ServiceContext } from '../../services/context.js';
import { createBrowserSessions } from './browser-sessions.js';
import { inboxRoutes } from './inbox.routes.js';
import { createOpenIdProvider } from './openid-provider.js';
import { Pages, STYLESHEET_PATH } from './pages.js';
import { SessionCookies } from './session-cookie.js';
import type { SignIn } from './sign-in.js';
import { signInRoutes } from './sign-in.routes.js';

/** A form of the pages holds a token, a filter or a personnummer: small. */
const FORM_BODY_LIMIT = 8 * 1024;

/**
 * The pages people read, signed in through the municipality's OpenID provider: the case
 * officer's inbox, and the sign-in itself. Without OIDC_ISSUER none of it exists (`/inbox`
 * answers 404). Returns the sign-in, which the queue dashboard shares; null without a provider.
 */
export async function registerBrowserPages(
  app: FastifyInstance,
  deps: { config: OidcConfig | null; ctx: ServiceContext; redis: Redis },
): Promise<SignIn | null> {
  const { config, ctx } = deps;
  if (!config) return null;
  const pages = new Pages([new URL(config.issuer).origin]);
  const signIn: SignIn = {
    config,
    ctx,
    provider: createOpenIdProvider(config),
    sessions: createBrowserSessions(deps.redis, ctx.clock, config),
    cookies: new SessionCookies(config.publicUrl),
    pages,
  };
  app.decorateRequest('visitor', null);

  const scope: FastifyPluginAsync = async (browser) => {
    // Only these pages take forms; the API stays JSON.
    browser.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    browser.get(
      STYLESHEET_PATH,
      { config: { securityHeaders: pages.securityHeaders }, schema: { hide: true } },
      async (_request, reply) =>
        reply
          .header('cache-control', 'public, max-age=3600')
          .type('text/css; charset=utf-8')
          .send(pages.stylesheet),
    );
    signInRoutes(browser, signIn);
    inboxRoutes(browser, signIn);
  };
  await app.register(scope);
  return signIn;
}
