// Debian's chromium, driven by playwright-core, for the page and HTML-view tests: no browser
// download is possible here, and these flags keep it from reaching for the network.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.WIRECHAT_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
