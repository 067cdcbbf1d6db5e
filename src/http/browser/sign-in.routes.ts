import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tokenCaller } from '../../services/token-clients.service.js';
import { csrfTokenMatches } from './browser-sessions.js';
import { CALLBACK_PATH, CallbackRejected, ProviderUnavailable, SIGNED_OUT_PATH } from './openid-provider.js';
import { personOf } from './person.js';
import { localPath, providerDown, recordVisit, type SignIn, sessionOf, startSignIn } from './sign-in.js';

export const SIGN_IN_PATH = '/auth/login';
export const SIGN_OUT_PATH = '/auth/logout';

/**
 * Sign-in and sign-out through the municipality's OpenID provider: the start (also reached
 * straight from any page without a session), the callback that opens a session under a new
 * id, "Logga ut" (here and at the provider), and the page after it.
 */
export function signInRoutes(app: FastifyInstance, signIn: SignIn): void {
  const config = { securityHeaders: signIn.pages.securityHeaders };
  const hide = { hide: true };

  app.get<{ Querystring: { return?: string } }>(
    SIGN_IN_PATH,
    { config, schema: hide },
    async (request, reply) => {
      const returnTo = localPath(String(request.query.return ?? '/inbox'));
      if (await sessionOf(signIn, request)) return reply.redirect(returnTo, 303);
      return startSignIn(signIn, reply, returnTo);
    },
  );

  app.get(CALLBACK_PATH, { config, schema: hide }, async (request, reply) => {
    const pendingId = signIn.cookies.signInId(request);
    signIn.cookies.clearSignIn(reply);
    const pending = pendingId ? await signIn.sessions.takePending(pendingId) : null;
    if (!pending) return failedSignIn(signIn, request, reply, 'no sign-in is under way for this browser');
    let claims: Record<string, unknown>;
    try {
      claims = await signIn.provider.finish(new URL(request.url, signIn.config.publicUrl), pending);
    } catch (err) {
      if (err instanceof ProviderUnavailable) return providerDown(signIn, reply, err);
      if (err instanceof CallbackRejected) return failedSignIn(signIn, request, reply, err);
      throw err;
    }
    const person = personOf(claims, signIn.config);
    if (!person) return failedSignIn(signIn, request, reply, 'the ID token has no subject');

    const caller =
      person.organisation === null
        ? undefined
        : await tokenCaller(signIn.ctx, {
            issuer: signIn.config.issuer,
            subject: person.subject,
            clientId: signIn.config.clientId,
            organisation: person.organisation,
            scopes: [],
          });
    // A new id at every sign-in: an id planted before it (session fixation) opens nothing.
    const previous = signIn.cookies.sessionId(request);
    if (previous) await signIn.sessions.destroy(previous);
    const { id, session } = await signIn.sessions.create({ person, clientId: caller?.clientId ?? null });
    if (caller) {
      await recordVisit(signIn, request, { caller, session }, { action: 'browser.sign_in', status: 303 });
    }
    signIn.cookies.setSession(reply, id);
    return reply.header('cache-control', 'no-store').redirect(pending.returnTo, 303);
  });

  app.post(SIGN_OUT_PATH, { config, schema: hide }, async (request, reply) => {
    const found = await sessionOf(signIn, request);
    if (found) {
      if (!csrfTokenMatches(found.session, formField(request, 'csrf'))) return refusedForm(signIn, reply);
      await signIn.sessions.destroy(found.id);
      const { person, clientId } = found.session;
      if (clientId !== null && person.organisation !== null) {
        const caller = { clientId, organisation: person.organisation, scopes: [] };
        await recordVisit(
          signIn,
          request,
          { caller, session: found.session },
          {
            action: 'browser.sign_out',
            status: 303,
          },
        );
      }
    }
    signIn.cookies.clearSession(reply);
    try {
      return reply.redirect((await signIn.provider.endSessionUrl()).href, 303);
    } catch (err) {
      if (!(err instanceof ProviderUnavailable)) throw err;
      // Signed out here; the provider's own session ends when it does.
      return reply.redirect(SIGNED_OUT_PATH, 303);
    }
  });

  app.get(SIGNED_OUT_PATH, { config, schema: hide }, async (_request, reply) =>
    signIn.pages.send(reply, 200, 'message', {
      title: 'Du är utloggad',
      paragraphs: ['Du är utloggad från planbrygga och från inloggningstjänsten.'],
      link: { href: '/inbox', text: 'Logga in igen' },
    }),
  );
}

/** A form post without its session's CSRF token: refused, nothing changed. */
export function refusedForm(signIn: SignIn, reply: FastifyReply): FastifyReply {
  return signIn.pages.send(reply, 403, 'message', {
    title: 'Formuläret kunde inte skickas',
    paragraphs: [
      'Formuläret saknade sin säkerhetskod eller kom från en annan webbplats, så ingenting ändrades.',
      'Ladda om sidan och försök igen.',
    ],
    link: { href: '/inbox', text: 'Till inkorgen' },
  });
}

function failedSignIn(
  signIn: SignIn,
  request: FastifyRequest,
  reply: FastifyReply,
  why: unknown,
): FastifyReply {
  // The reason (state, nonce, PKCE, a used code) is for the log; the page says only what to do.
  request.log.warn({ event: 'browser.sign_in', err: why }, 'sign-in refused: the callback failed its checks');
  return signIn.pages.send(reply, 400, 'message', {
    title: 'Inloggningen kunde inte slutföras',
    paragraphs: ['Svaret från inloggningstjänsten gick inte att lita på, så du loggades inte in.'],
    link: { href: '/inbox', text: 'Logga in igen' },
  });
}

export function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
