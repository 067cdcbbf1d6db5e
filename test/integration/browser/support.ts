import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import type { OpenIdTestProvider, TestAccount } from '../../helpers/openid-provider.js';

/** Where the app says it runs in tests driven through `app.inject()`. */
export const APP_URL = 'http://planbrygga.test';

/** `name=value` of a set-cookie header of the answer, for a later request's `cookie`. */
export function cookieOf(res: LightMyRequestResponse, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const found = all.find((cookie) => cookie.startsWith(`${name}=`));
  return found?.split(';')[0];
}

export function setCookieHeader(res: LightMyRequestResponse, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return all.find((cookie) => cookie.startsWith(`${name}=`));
}

/**
 * Follows the browser's part at the provider: from the authorization URL through its login
 * step to the redirect back to the app; the callback URL (path and query) it ends at.
 */
export async function throughProvider(
  provider: OpenIdTestProvider,
  authorizationUrl: string,
): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop += 1) {
    if (!url.startsWith(provider.issuer)) break;
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) jar.set(name, value.join('='));
    }
    const location = res.headers.get('location');
    if (!location)
      throw new Error(`the provider answered ${res.status} without a redirect: ${await res.text()}`);
    url = new URL(location, url).href;
  }
  expect(url.startsWith(`${APP_URL}/auth/callback?`), url).toBe(true);
  return url.slice(APP_URL.length);
}

export interface SignedIn {
  /** `planbrygga_session=…` */
  cookie: string;
  callback: LightMyRequestResponse;
}

/** Signs `account` in the way a browser does (GET the page, the provider, the callback); the session cookie. */
export async function signIn(
  t: TestApp,
  provider: OpenIdTestProvider,
  account: TestAccount,
  page = '/inbox',
): Promise<SignedIn> {
  provider.signInAs(account);
  const start = await t.app.inject({ url: page });
  expect(start.statusCode, start.body).toBe(302);
  const signInCookie = cookieOf(start, 'planbrygga_sign_in');
  const callbackPath = await throughProvider(provider, String(start.headers.location));
  const callback = await t.app.inject({ url: callbackPath, headers: { cookie: signInCookie ?? '' } });
  expect(callback.statusCode, callback.body).toBe(303);
  const cookie = cookieOf(callback, 'planbrygga_session');
  expect(cookie).toBeDefined();
  return { cookie: cookie as string, callback };
}

/** The CSRF token of a page's forms. */
export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('the page has no CSRF token');
  return match[1];
}

export function form(fields: Record<string, string>): { 'content-type': string; payload: string } {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    payload: new URLSearchParams(fields).toString(),
  };
}
