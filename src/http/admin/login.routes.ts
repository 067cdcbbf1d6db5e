import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiKey } from '../../services/clients.service.js';
import type { ServiceContext } from '../../services/context.js';
import type { AccessTokenVerifier } from '../auth/access-tokens.js';
import { identifyBearer } from '../auth/bearer-credentials.js';
import type { SignIn } from '../browser/sign-in.js';
import { SIGN_IN_PATH } from '../browser/sign-in.routes.js';
import { pageSecurityHeaders } from '../security/security-headers.js';
import { recordAdminAction } from './admin-audit.js';
import {
  type AdminSessions,
  adminCaller,
  clearSessionCookie,
  isSameOrigin,
  mayOperate,
  sessionIdOf,
  setSessionCookie,
} from './admin-session.js';

export const DASHBOARD_PATH = '/admin/queues';
export const LOGIN_PATH = '/admin/login';
const LOGOUT_PATH = '/admin/logout';
/** An API key is 47 characters; an access token of Entra ID or Keycloak one or two thousand. */
const MAX_CREDENTIAL_LENGTH = 8192;
const FORM_BODY_LIMIT = 3 * MAX_CREDENTIAL_LENGTH;

// The page has no script; its one inline style block is allowed, and the form posts only here.
const LOGIN_HEADERS = pageSecurityHeaders({
  useDefaults: false,
  directives: {
    'default-src': ["'none'"],
    'style-src': ["'unsafe-inline'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  },
});

export interface LoginOptions {
  ctx: ServiceContext;
  /** Verifies OAuth2 access tokens pasted into the form; null: API keys only. */
  tokens: AccessTokenVerifier | null;
  sessions: AdminSessions;
  sessionTtlSeconds: number;
  operatorOrganisation: string | null;
  /** Sign-in through the OpenID provider, offered beside the key form; null without OIDC_ISSUER. */
  signIn: SignIn | null;
}

/**
 * The admin login page: a form posting an API key or an access token with the admin or viewer
 * scope, answered with a session cookie and a redirect to the dashboard; and logout.
 * Registered in its own scope, which alone parses form bodies.
 */
export async function loginRoutes(app: FastifyInstance, options: LoginOptions): Promise<void> {
  const pages: FastifyPluginAsync = async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const config = { securityHeaders: LOGIN_HEADERS };
    const form = (error?: string) => loginForm(error, options.signIn !== null);

    scope.get(LOGIN_PATH, { config, schema: { hide: true } }, async (request, reply) => {
      const credential = await adminCaller(request, options);
      return page(reply, 200, credential ? signedInBody(credential.caller.scopes) : form());
    });

    scope.post(LOGIN_PATH, { config, schema: { hide: true } }, async (request, reply) => {
      if (!isSameOrigin(request)) return page(reply, 403, form('The form was sent from another site.'));
      const key = formField(request, 'key');
      const identity = key ? await identifyBearer(options.ctx, options.tokens, key) : undefined;
      const caller = identity?.caller;
      if (!key || !identity || !caller) {
        // No client to attribute the attempt to: the request log has it, the audit log cannot.
        request.log.warn({ event: 'admin.login' }, 'admin login refused: the key is not valid');
        return page(reply, 401, form('The key is not valid.'));
      }
      if (!mayOperate(caller, options.operatorOrganisation)) {
        await recordAdminAction(options.ctx, request, caller, 'admin.login', 403);
        return page(
          reply,
          403,
          form('This key has neither the admin nor the viewer scope of the operating organisation.'),
        );
      }
      const sessionId = await options.sessions.create(
        identity.expiresAt ? { caller, expiresAt: identity.expiresAt } : { keyHash: hashApiKey(key) },
      );
      await recordAdminAction(options.ctx, request, caller, 'admin.login', 303, {
        readOnly: !caller.scopes.includes('admin'),
      });
      setSessionCookie(request, reply, sessionId, options.sessionTtlSeconds);
      return reply.redirect(DASHBOARD_PATH, 303);
    });

    scope.post(LOGOUT_PATH, { config, schema: { hide: true } }, async (request, reply) => {
      if (!isSameOrigin(request)) return page(reply, 403, form('The form was sent from another site.'));
      const sessionId = sessionIdOf(request);
      const caller = sessionId ? await options.sessions.find(sessionId) : null;
      if (sessionId) await options.sessions.destroy(sessionId);
      if (caller) await recordAdminAction(options.ctx, request, caller, 'admin.logout', 303);
      clearSessionCookie(request, reply);
      return reply.redirect(LOGIN_PATH, 303);
    });
  };
  await app.register(pages);
}

function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CREDENTIAL_LENGTH
    ? value.trim()
    : undefined;
}

function page(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>planbrygga – administration</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 1px 4px #0002;max-width:28rem;width:100%}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin-bottom:.4rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;margin-bottom:1rem}
button{padding:.5rem 1rem;font:inherit;cursor:pointer}.error{color:#a40000}
</style></head><body><main>${body}</main></body></html>`);
}

function loginForm(error: string | undefined, withProvider: boolean): string {
  return `<h1>planbrygga – administration</h1>
${error ? `<p class="error" role="alert">${error}</p>` : ''}
${
  withProvider
    ? `<p><a href="${SIGN_IN_PATH}?return=${DASHBOARD_PATH}">Sign in through the identity provider</a></p>
<p>Or:</p>`
    : ''
}
<form method="post" action="${LOGIN_PATH}">
<label for="key">API key or access token (admin or viewer scope)</label>
<input id="key" name="key" type="password" autocomplete="off" required>
<button type="submit">Log in</button>
</form>`;
}

function signedInBody(scopes: readonly string[]): string {
  const mode = scopes.includes('admin') ? 'admin' : 'viewer (read-only)';
  return `<h1>planbrygga – administration</h1>
<p>Logged in as ${mode}.</p>
<p><a href="${DASHBOARD_PATH}">Queue dashboard</a></p>
<form method="post" action="${LOGOUT_PATH}"><button type="submit">Log out</button></form>`;
}
