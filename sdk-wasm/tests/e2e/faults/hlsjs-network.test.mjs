// The SDK's hls.js integration (token provider = the app's backend) while the network misbehaves,
// each scenario playing the encrypted demo past three 10-second token lifetimes. Prefetch is off,
// so a rendition switch past the first token's life really fetches a media playlist with a
// lazily re-minted token while the fault is on.
import { test, before, after, beforeEach } from 'node:test';

import {
  PAST_THREE_TTLS, TTL, assertPlayedThrough, burst, cdpOf, clearJournal, figure, openPage,
  playPast, playWithSdk, setOffline, startApi, startProviderSite, switchRendition,
} from './fault-harness.mjs';

let api;
let site;

before(async () => {
  api = await startApi();
  site = await startProviderSite(api);
});

beforeEach(() => clearJournal(api));

after(async () => {
  await site?.stop();
  api?.stop();
});

/** One 503 and one reset connection on each route (the mint reached through the provider). */
async function armEverywhere() {
  for (const route of ['mint', 'manifest', 'key', 'segment']) await burst(api, route);
}

test('b1 hls.js: 503 bursts and resets on mint, manifest, key and segments never reach the player', { timeout: 200_000 }, async () => {
  await armEverywhere();
  const browser = await openPage(site);
  try {
    const jobId = await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, TTL + 2);
    await armEverywhere();
    await switchRendition(browser.page);
    await playPast(browser.page, PAST_THREE_TTLS);
    // The start-up mint and the lazy one for the switch; a mint whose answer was cut may have
    // been spent on the server and retried (one more).
    figure('b1 bursts / hls.js', await assertPlayedThrough(browser, api, { maxMints: 3, jobId }));
  } finally {
    await browser.close();
  }
});

test('b5 hls.js: the network goes offline for 10 s and comes back', { timeout: 200_000 }, async () => {
  const browser = await openPage(site);
  try {
    const jobId = await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, 3);
    const cdp = await cdpOf(browser);
    await setOffline(cdp, true);
    // The switch needs a playlist (and, past the token's life, a mint) while offline.
    await switchRendition(browser.page);
    await browser.page.waitForTimeout(10_000);
    await setOffline(cdp, false);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('b5 offline 10 s / hls.js', await assertPlayedThrough(browser, api, { maxMints: 3, jobId }));
  } finally {
    await browser.close();
  }
});
