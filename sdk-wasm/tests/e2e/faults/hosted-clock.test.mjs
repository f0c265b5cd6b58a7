// The hosted player page (`playerUrl`) while time misbehaves, playing the encrypted demo past
// three 10-second token lifetimes on its URL's one token: the server clock jumps 10 minutes, the
// page is hidden and frozen, a seek lands after the token expired. The SDK's prefetch holds the
// playlists and the key, so none of these needs the expired token.
import { test, before, after, beforeEach } from 'node:test';

import {
  PAST_THREE_TTLS, TTL, advanceClock, assertHostedPlayedThrough, cdpOf, clearJournal, figure,
  openHosted, playPast, setHidden, startApi,
} from './fault-harness.mjs';

let api;

before(async () => {
  api = await startApi();
});

beforeEach(() => clearJournal(api));

after(() => api?.stop());

test('h2 hosted page: the server clock jumps 10 minutes mid-playback', { timeout: 200_000 }, async () => {
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, 3);
    await advanceClock(api, 600);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('h2 clock +10 min / hosted page', await assertHostedPlayedThrough(browser, api));
  } finally {
    await browser.close();
  }
});

test('h3 hosted page: hidden and frozen while 2 minutes pass on the server, then shown', { timeout: 200_000 }, async () => {
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, 2);
    const cdp = await cdpOf(browser);
    // The same fake-timer equivalent as b4: frozen 5 s of wall time, the server 2 minutes on.
    await setHidden(cdp, true);
    await advanceClock(api, 120);
    await browser.page.waitForTimeout(5_000);
    await setHidden(cdp, false);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('h3 hidden+frozen, server +2 min / hosted page', await assertHostedPlayedThrough(browser, api));
  } finally {
    await browser.close();
  }
});

test('h5 hosted page: a seek after the token expired', { timeout: 200_000 }, async () => {
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, 2);
    await advanceClock(api, TTL + 5);
    await browser.page.evaluate(() => {
      document.querySelector('video').currentTime = 20;
    });
    await playPast(browser.page, 21);
    await browser.page.evaluate(() => {
      document.querySelector('video').currentTime = 6;
    });
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('h5 seek after expiry / hosted page', await assertHostedPlayedThrough(browser, api));
  } finally {
    await browser.close();
  }
});
