import type { FastifyReply, FastifyRequest } from 'fastify';

/** The session id of a signed-in person, sent to every page. */
const SESSION_COOKIE = 'planbrygga_session';
/** The id of a sign-in under way, sent only back to /auth (the callback). */
const SIGN_IN_COOKIE = 'planbrygga_sign_in';
const SIGN_IN_MAX_AGE_SECONDS = 10 * 60;

/**
 * The browser pages' cookies: HttpOnly, SameSite=Lax (the provider's redirect back to the
 * callback is a top-level navigation from another site, which Strict would strip), Secure
 * whenever PUBLIC_URL is https. They carry opaque ids only.
 */
export class SessionCookies {
  readonly #secure: string;

  constructor(publicUrl: string) {
    this.#secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  }

  sessionId(request: FastifyRequest): string | undefined {
    return cookieValue(request, SESSION_COOKIE);
  }

  signInId(request: FastifyRequest): string | undefined {
    return cookieValue(request, SIGN_IN_COOKIE);
  }

  /** A session cookie lives as long as the browser; the session itself ends in Redis. */
  setSession(reply: FastifyReply, id: string): void {
    this.#append(reply, `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${this.#secure}`);
  }

  clearSession(reply: FastifyReply): void {
    this.#append(reply, `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${this.#secure}`);
  }

  setSignIn(reply: FastifyReply, id: string): void {
    this.#append(
      reply,
      `${SIGN_IN_COOKIE}=${id}; Path=/auth; Max-Age=${SIGN_IN_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${this.#secure}`,
    );
  }

  clearSignIn(reply: FastifyReply): void {
    this.#append(reply, `${SIGN_IN_COOKIE}=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax${this.#secure}`);
  }

  // fastify adds to an answer's set-cookie headers rather than replacing them.
  #append(reply: FastifyReply, cookie: string): void {
    reply.header('set-cookie', cookie);
  }
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
