import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumRunnable } from '../../helpers/chromium.js';
import { type OpenIdTestProvider, oidcEnv, startOpenIdProvider } from '../../helpers/openid-provider.js';
import { TEST_PERSON } from '../../helpers/plans.js';
import {
  communicatedOn,
  createLifecycleApp,
  type Json,
  type LifecycleTestApp,
  lssPlan,
  organisationOf,
  personSigns,
} from '../lifecycle/support.js';

const runnable = chromiumRunnable('inbox browser test');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let provider: OpenIdTestProvider;
let t: LifecycleTestApp;
let o: Awaited<ReturnType<typeof organisationOf>>;
let browser: Browser;
let base: string;

const officer = () => ({
  sub: 'webb-1',
  name: 'Karin Handläggare',
  kommunkod: o.organisation,
  roles: ['lss-handlaggare'],
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function submitted(sourcePlanId: string): Promise<{ planId: string; submissionId: string }> {
  const { id } = await o.push(communicatedOn(lssPlan(o.organisation, sourcePlanId), '2025-01-20'));
  expect((await o.sign(id, personSigns)).status).toBe(201);
  return { planId: id, submissionId: ((await o.status(id)).submissions as Json[])[0]?.id };
}

/** No violation of the WCAG 2.1 A and AA rules on the page as it stands. */
async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  expect(
    violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.html) })),
    `${page.url()}`,
  ).toEqual([]);
}

/** Messages in which the browser reported a Content-Security-Policy violation. */
const cspViolations: string[] = [];

/** A fresh browser profile (its own cookies), watching for CSP reports. */
async function browse(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  return page;
}

beforeAll(async () => {
  if (!runnable) return;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = await startOpenIdProvider({ appUrl: base });
  t = await createLifecycleApp('2025-02-10T10:00:00+01:00', oidcEnv(provider, base));
  await t.app.listen({ port, host: '127.0.0.1' });
  o = await organisationOf(t);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  expect(cspViolations).toEqual([]);
  await browser?.close();
  await t?.close();
  await provider?.stop();
});

describe.runIf(runnable)('the inbox in Chromium', () => {
  it('signs in, lists, reads, downloads the PDF, acknowledges and logs out, every page accessible', async () => {
    const { planId, submissionId } = await submitted('WEB-1');
    provider.signInAs(officer());
    const page = await browse();

    // Sign-in: straight to the provider and back.
    await page.goto(`${base}/inbox`);
    await page.waitForURL(`${base}/inbox`);
    expect(await page.locator('h1').textContent()).toBe('Inkorg');
    expect(await page.getAttribute('html', 'lang')).toBe('sv');
    await expectAccessible(page);

    // Keyboard: the first Tab reaches the skip link, and focus is visible.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ text: string; outline: string; width: string }>(`(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return { text: element.textContent, outline: style.outlineStyle, width: style.outlineWidth };
    })()`);
    expect(focused.text).toBe('Hoppa till innehållet');
    expect(focused.outline).toBe('solid');
    expect(focused.width).toBe('3px');

    // Read the plan.
    const link = page.locator(`a[href="/inbox/${submissionId}"]`);
    expect(await link.textContent()).toBe(`${TEST_PERSON.givenName} ${TEST_PERSON.familyName}`);
    await link.focus();
    await Promise.all([page.waitForURL(`${base}/inbox/${submissionId}`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe(
      `Genomförandeplan för ${TEST_PERSON.givenName} ${TEST_PERSON.familyName}`,
    );
    expect(await page.title()).not.toContain(TEST_PERSON.identityNumber);
    await expectAccessible(page);

    // Download the final document.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Ladda ner PDF')]);
    expect(download.suggestedFilename()).toMatch(/^genomforandeplan-v\d+\.pdf$/);
    expect(await download.failure()).toBeNull();

    // Acknowledge.
    await Promise.all([
      page.waitForURL(`${base}/inbox/${submissionId}`),
      page.click('button:text("Kvittera")'),
    ]);
    expect(await page.locator('dl.facts').first().textContent()).toContain('av Karin Handläggare');
    await expectAccessible(page);
    const status = await o.status(planId);
    expect(status.submissions[0]).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'Karin Handläggare',
    });

    // Search by personnummer: a posted form; the number is in no URL.
    await page.goto(`${base}/inbox`);
    await page.fill('#personnummer', TEST_PERSON.identityNumber);
    await Promise.all([page.waitForURL(`${base}/inbox/search`), page.click('button:text("Sök")')]);
    expect(page.url()).not.toContain(TEST_PERSON.identityNumber.slice(0, 8));
    expect(await page.locator(`a[href="/inbox/${submissionId}"]`).count()).toBe(1);
    await expectAccessible(page);
    await page.fill('#personnummer', '12345');
    await page.click('button:text("Sök")');
    expect(await page.locator('.error-summary').textContent()).toContain('Det finns ett fel');
    await expectAccessible(page);

    // Log out: here and at the provider, then a new sign-in is asked for.
    const logins = provider.logins();
    await page.click('button:text("Logga ut")');
    await page.waitForURL((url) => url.origin === provider.issuer);
    await Promise.all([page.waitForURL(`${base}/auth/signed-out`), page.click('button[name="logout"]')]);
    expect(await page.locator('h1').textContent()).toBe('Du är utloggad');
    await expectAccessible(page);
    await page.goto(`${base}/inbox`);
    await page.waitForURL(`${base}/inbox`);
    expect(provider.logins()).toBe(logins + 1);
    await page.context().close();
  }, 120_000);

  it('shows a person without the role an accessible 403 page with "Logga ut", and a failed callback an accessible 400 page', async () => {
    provider.signInAs({ ...officer(), sub: 'webb-2', roles: ['reception'] });
    const page = await browse();
    const answer = await page.goto(`${base}/inbox`);
    await page.waitForURL(`${base}/inbox`);
    expect((await page.reload())?.status() ?? answer?.status()).toBe(403);
    expect(await page.locator('main').textContent()).toContain('lss-handlaggare');
    expect(await page.locator('button:text("Logga ut")').count()).toBe(2);
    await expectAccessible(page);

    await page.goto(`${base}/auth/callback?code=x&state=y`);
    expect(await page.locator('h1').textContent()).toBe('Inloggningen kunde inte slutföras');
    await expectAccessible(page);
    await page.context().close();
  }, 60_000);

  it('answers an accessible 503 page while the provider is down', async () => {
    await provider.stop();
    const app = await createLifecycleApp('2025-02-10T10:00:00+01:00', oidcEnv(provider, base));
    const port = await freePort();
    await app.app.listen({ port, host: '127.0.0.1' });
    try {
      const page = await browse();
      const answer = await page.goto(`http://127.0.0.1:${port}/inbox`);
      expect(answer?.status()).toBe(503);
      expect(await page.locator('h1').textContent()).toBe('Inloggningstjänsten svarar inte');
      await expectAccessible(page);
      await page.context().close();
    } finally {
      await app.close();
    }
  }, 60_000);
});
