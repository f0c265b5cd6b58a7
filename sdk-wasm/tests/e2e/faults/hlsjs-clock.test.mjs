// The SDK's hls.js integration while time misbehaves, each scenario playing the encrypted demo
// past three 10-second token lifetimes: the server clock jumps 10 minutes, the page is hidden and
// frozen, a seek and a manifest reload land after the token expired. Prefetch is off, so the
// rendition switch or reload after the event really needs a token.
import { test, before, after, beforeEach } from 'node:test';

import {
  PAST_THREE_TTLS, TTL, advanceClock, assertPlayedThrough, cdpOf, clearJournal, figure, openPage,
  playPast, playWithSdk, setHidden, startApi, startProviderSite, switchRendition,
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

test('b3 hls.js: the server clock jumps 10 minutes mid-playback; the refused token is healed', { timeout: 200_000 }, async () => {
  const browser = await openPage(site);
  try {
    const jobId = await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, 2);
    // The SDK still holds a token it believes fresh; the server now calls it expired.
    await advanceClock(api, 600);
    await switchRendition(browser.page);
    await playPast(browser.page, PAST_THREE_TTLS);
    // The first token, its replacement after the 401, at most one lazy refresh more.
    figure('b3 clock +10 min / hls.js', await assertPlayedThrough(browser, api, { maxMints: 3, jobId }));
  } finally {
    await browser.close();
  }
});

test('b4 hls.js: the page is hidden and frozen while 2 minutes pass on the server, then shown', { timeout: 200_000 }, async () => {
  const browser = await openPage(site);
  try {
    const jobId = await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, 2);
    const cdp = await cdpOf(browser);
    // Fake-timer equivalent of 2 minutes of throttled timers: the page is frozen (no timer or
    // task runs) for 5 s of wall time while the server clock moves 2 minutes, so every token the
    // page holds is expired when it wakes, though its own monotonic clock moved only 5 s.
    await setHidden(cdp, true);
    await advanceClock(api, 120);
    await browser.page.waitForTimeout(5_000);
    await setHidden(cdp, false);
    await switchRendition(browser.page);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('b4 hidden+frozen, server +2 min / hls.js', await assertPlayedThrough(browser, api, { maxMints: 3, jobId }));
  } finally {
    await browser.close();
  }
});

test('b6 hls.js: a seek and a manifest reload after the token expired', { timeout: 200_000 }, async () => {
  const browser = await openPage(site);
  try {
    const jobId = await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, 2);
    await advanceClock(api, TTL + 5);
    // A seek ahead, then hls.js reloads the manifest (multivariant and media playlists) and
    // resumes from where it is.
    await browser.page.evaluate(() => {
      document.querySelector('video').currentTime = 8;
    });
    await playPast(browser.page, 9);
    await browser.page.evaluate(() => {
      const hls = window.hls;
      const at = document.querySelector('video').currentTime;
      hls.once(window.Hls?.Events?.MANIFEST_PARSED ?? 'hlsManifestParsed', () => hls.startLoad(at));
      hls.loadSource(hls.url);
    });
    await playPast(browser.page, PAST_THREE_TTLS);
    const seen = await assertPlayedThrough(browser, api, { maxMints: 4, jobId });
    const masters = browser.requests.filter((r) => r.url.endsWith('/master.m3u8') && r.status === 200);
    if (masters.length < 2) throw new Error(`the manifest was not reloaded (${masters.length} loads)`);
    figure('b6 seek + reload after expiry / hls.js', { ...seen, masterLoads: masters.length });
  } finally {
    await browser.close();
  }
});
