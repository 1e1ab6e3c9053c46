// Debian's Chromium through playwright-core, headless, with its config and cache in a temp dir
// (Chromium writes there even with a temporary profile).
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(tmpDir: string): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    env: { ...process.env, XDG_CONFIG_HOME: `${tmpDir}/xdg-config`, XDG_CACHE_HOME: `${tmpDir}/xdg-cache` },
  });
}
