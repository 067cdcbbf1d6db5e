import { existsSync } from 'node:fs';

/** Debian's Chromium, driven by playwright-core (playwright's own browser downloads are not used). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium in tests: no sandbox (CI runs as root, where Chromium does not
 * start with one) and none of its background traffic to the network.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Whether a browser test can run: in CI the browser must be there (the CI script installs it),
 * so its absence fails there; elsewhere it skips the test, loudly.
 */
export function chromiumRunnable(test: string): boolean {
  const runnable = existsSync(CHROMIUM) || Boolean(process.env.CI);
  if (!runnable) console.warn(`${test} skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
  return runnable;
}
