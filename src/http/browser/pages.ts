import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import { pageSecurityHeaders } from '../security/security-headers.js';

/** Templates and the stylesheet, beside this file (the build copies them next to the compiled one). */
const VIEWS = fileURLToPath(new URL('./views/', import.meta.url));
export const STYLESHEET_PATH = '/assets/pages.css';

/** The header of a page for a signed-in person: their name and "Logga ut". */
export interface SignedIn {
  name: string;
  csrfToken: string;
}

export interface PageData {
  title: string;
  signedIn?: SignedIn | null;
  [field: string]: unknown;
}

/**
 * Server-rendered pages in Swedish: eta templates with escaping on (`<%= %>` escapes; the
 * layout's `<%~ it.body %>` is the only raw output, the page it wraps), no script at all, one
 * stylesheet served by the app.
 */
export class Pages {
  readonly #eta = new Eta({ views: VIEWS, cache: true, autoEscape: true, autoTrim: false });
  readonly stylesheet = readFileSync(`${VIEWS}pages.css`, 'utf8');
  /** For `config.securityHeaders` of every page route. */
  readonly securityHeaders: Readonly<Record<string, string>>;

  /** `formTargets`: origins a form may lead to besides this one (the provider's logout). */
  constructor(formTargets: readonly string[]) {
    this.securityHeaders = pageSecurityHeaders({
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'form-action': ["'self'", ...formTargets],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
      },
    });
  }

  send(reply: FastifyReply, status: number, template: string, data: PageData): FastifyReply {
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(this.#eta.render(`./${template}`, { signedIn: null, ...data }));
  }
}
