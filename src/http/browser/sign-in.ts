import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcConfig } from '../../config.js';
import { recordAudit } from '../../services/audit.service.js';
import type { Caller, ServiceContext } from '../../services/context.js';
import type { BrowserSession, BrowserSessions } from './browser-sessions.js';
import type { OpenIdProvider } from './openid-provider.js';
import { ProviderUnavailable } from './openid-provider.js';
import type { Pages, SignedIn } from './pages.js';
import type { SessionCookies } from './session-cookie.js';

/** The sign-in shared by every browser page (the inbox, the queue dashboard). */
export interface SignIn {
  config: OidcConfig;
  ctx: ServiceContext;
  provider: OpenIdProvider;
  sessions: BrowserSessions;
  cookies: SessionCookies;
  pages: Pages;
}

/** A signed-in person allowed onto a page, and who they are to the services. */
export interface Visitor {
  sessionId: string;
  session: BrowserSession;
  /** The person as a caller: their token client, their organisation, no API scopes. */
  caller: Caller;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireRole` on the browser pages. */
    visitor: Visitor | null;
  }
}

/** The live session of a request's cookie, or null. */
export async function sessionOf(
  signIn: SignIn,
  request: FastifyRequest,
): Promise<{ id: string; session: BrowserSession } | null> {
  const id = signIn.cookies.sessionId(request);
  const session = id ? await signIn.sessions.find(id) : null;
  return id && session ? { id, session } : null;
}

export function signedIn(session: BrowserSession): SignedIn {
  return { name: session.person.name, csrfToken: session.csrfToken };
}

/**
 * Sends the browser straight to the provider's authorization endpoint, the sign-in's checks
 * kept under a cookie of its own; a provider that does not answer gets the 503 page.
 */
export async function startSignIn(
  signIn: SignIn,
  reply: FastifyReply,
  returnTo: string,
): Promise<FastifyReply> {
  try {
    const { authorizationUrl, pending } = await signIn.provider.begin(localPath(returnTo));
    signIn.cookies.setSignIn(reply, await signIn.sessions.savePending(pending));
    return reply.header('cache-control', 'no-store').redirect(authorizationUrl.href, 302);
  } catch (err) {
    if (err instanceof ProviderUnavailable) return providerDown(signIn, reply, err);
    throw err;
  }
}

export function providerDown(signIn: SignIn, reply: FastifyReply, err: ProviderUnavailable): FastifyReply {
  reply.log.warn({ err }, 'sign-in: the OpenID provider does not answer');
  return signIn.pages.send(reply.header('retry-after', '30'), 503, 'message', {
    title: 'Inloggningstjänsten svarar inte',
    paragraphs: [
      'Inloggningstjänsten svarar inte just nu, så du kan inte logga in.',
      'Försök igen om en stund. Om felet består, kontakta den som driftar planbrygga.',
    ],
    link: { href: '/inbox', text: 'Försök igen' },
  });
}

/**
 * A page hook: the visitor of a page that needs `role` (and, for operator pages, the
 * operating organisation). No session: straight to the provider. A session without the role:
 * the 403 page naming it, with "Logga ut" (no redirect, so no loop).
 */
export function requireRole(
  signIn: SignIn,
  role: string,
  options: { organisation?: string | null } = {},
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    const found = await sessionOf(signIn, request);
    if (!found) return startSignIn(signIn, reply, request.method === 'GET' ? request.url : '/inbox');
    const { id, session } = found;
    const { person } = session;
    const reason = !person.roles.includes(role)
      ? null
      : person.organisation === null || session.clientId === null
        ? `Ditt konto saknar en kommunkod (${signIn.config.organisationClaim}) eller är spärrat i planbrygga.`
        : options.organisation && person.organisation !== options.organisation
          ? 'Sidan är bara för den kommun som driftar planbrygga.'
          : undefined;
    if (reason !== undefined) {
      return signIn.pages.send(reply, 403, 'forbidden', {
        title: 'Du saknar behörighet',
        role,
        reason,
        signedIn: signedIn(session),
      });
    }
    request.visitor = {
      sessionId: id,
      session,
      caller: {
        clientId: session.clientId as string,
        organisation: person.organisation as string,
        scopes: [],
        token: { subject: person.subject, clientId: signIn.config.clientId },
      },
    };
    return undefined;
  };
}

/** An audit entry for something a person did on a page: under their subject and name, never a token. */
export function recordVisit(
  signIn: SignIn,
  request: FastifyRequest,
  visitor: Pick<Visitor, 'caller' | 'session'>,
  entry: {
    action: string;
    status: number;
    planId?: string | null;
    version?: number | null;
    details?: object;
  },
): Promise<void> {
  const { person } = visitor.session;
  return recordAudit(signIn.ctx, {
    at: signIn.ctx.clock(),
    clientId: visitor.caller.clientId,
    organisation: visitor.caller.organisation,
    action: entry.action,
    planId: entry.planId ?? null,
    version: entry.version ?? null,
    requestId: request.id,
    status: entry.status,
    outcome: entry.status < 400 ? 'success' : 'denied',
    details: { personSubject: person.subject, personName: person.name, ...entry.details },
  });
}

/** Only this site's own pages: a path, never another origin (`//host`) or a scheme. */
export function localPath(value: string): string {
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/inbox';
}

/**
 * The operator a browser session makes, for the queue dashboard: a person with the admin role
 * (OIDC_ADMIN_ROLE) holds the `admin` scope there; whether their organisation may operate is
 * the dashboard's check (OPERATOR_ORGANISATION), as for a key.
 */
export async function signedInOperator(signIn: SignIn, request: FastifyRequest): Promise<Caller | null> {
  const found = await sessionOf(signIn, request);
  if (!found) return null;
  const { person, clientId } = found.session;
  if (!person.roles.includes(signIn.config.adminRole) || person.organisation === null || clientId === null) {
    return null;
  }
  return {
    clientId,
    organisation: person.organisation,
    scopes: ['admin'],
    token: { subject: person.subject, clientId: signIn.config.clientId },
    personName: person.name,
  };
}
