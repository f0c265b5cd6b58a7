// The hosted player page (`playerUrl`: one token in its URL, no token provider behind it) while
// the network misbehaves, playing the encrypted demo past three 10-second token lifetimes; and a
// reload after the token expired, which nothing can heal by design (the page has no way to mint).
// The page has no provider, so faults on the mint do not apply to it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

import {
  PAST_THREE_TTLS, TTL, advanceClock, assertHostedPlayedThrough, burst, cdpOf, clearJournal, counts,
  figure, openHosted, playPast, setOffline, startApi,
} from './fault-harness.mjs';

let api;

before(async () => {
  api = await startApi();
});

beforeEach(() => clearJournal(api));

after(() => api?.stop());

test('h1 hosted page: 503 bursts and resets on manifest, key and segments never reach the player', { timeout: 200_000 }, async () => {
  for (const route of ['manifest', 'key', 'segment']) await burst(api, route);
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, TTL + 2);
    // Past the token's life only segments are fetched: they meet a burst too.
    await burst(api, 'segment', 2);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('h1 bursts / hosted page', await assertHostedPlayedThrough(browser, api));
  } finally {
    await browser.close();
  }
});

test('h4 hosted page: the network goes offline for 10 s and comes back', { timeout: 200_000 }, async () => {
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, 3);
    const cdp = await cdpOf(browser);
    await setOffline(cdp, true);
    await browser.page.waitForTimeout(10_000);
    await setOffline(cdp, false);
    await playPast(browser.page, PAST_THREE_TTLS);
    figure('h4 offline 10 s / hosted page', await assertHostedPlayedThrough(browser, api));
  } finally {
    await browser.close();
  }
});

test('h6 hosted page: a reload after the token expired shows PLAYBACK_TOKEN_EXPIRED once (no mint possible)', { timeout: 120_000 }, async () => {
  const { browser } = await openHosted(api);
  try {
    await playPast(browser.page, 2);
    await advanceClock(api, TTL + 5);
    const response = await browser.page.reload();
    assert.equal(response.status(), 401);
    const { page } = browser;
    assert.equal(await page.evaluate(() => document.getElementById('ansdev-error').textContent), 'PLAYBACK_TOKEN_EXPIRED');
    assert.equal(await page.evaluate(() => document.getElementById('ansdev-player').dataset.state), 'PLAYBACK_TOKEN_EXPIRED');
    assert.equal(await page.locator('.error-box').count(), 1, 'exactly one error shown');
    const seen = await counts(api);
    assert.equal(seen.mints, 1, 'nothing minted behind the page');
    figure('h6 reload after expiry / hosted page', { ...seen, shown: 'PLAYBACK_TOKEN_EXPIRED' });
  } finally {
    await browser.close();
  }
});
