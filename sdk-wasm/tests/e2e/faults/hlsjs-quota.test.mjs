// Where recovery is impossible by design: the app's daily mint quota runs out mid-playback. The
// SDK tells the application once (an `error` event with the catalog code, not retryable), does
// not hammer the mint route, and hls.js never sees a 401/403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  TTL, counts, figure, MINT_ROUTE, journal, openPage, playPast, playWithSdk, position, seedSmallKey,
  startApi, startProviderSite, switchRendition,
} from './fault-harness.mjs';

let api;
let site;

before(async () => {
  api = await startApi();
  site = await startProviderSite(api);
  site.apiKey = await seedSmallKey(api, 1);
});

after(async () => {
  await site?.stop();
  api?.stop();
});

test('b7 hls.js: the quota runs out mid-playback: exactly one error event, RATE_LIMIT_EXCEEDED, not retryable', { timeout: 120_000 }, async () => {
  const browser = await openPage(site);
  try {
    await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, TTL + 2);
    // The switch needs a fresh token; the one mint of the day is spent.
    await switchRendition(browser.page);
    await browser.page.waitForFunction(() => window.log.events.some((e) => e.name === 'error'), null, { timeout: 30_000 });
    const before = await position(browser.page);
    await browser.page.waitForTimeout(5_000);
    const log = await browser.page.evaluate(() => window.log);
    const errors = log.events.filter((e) => e.name === 'error');
    const refusedMints = (await journal(api)).filter((e) => e.route === MINT_ROUTE && e.status === 429).length;
    const seen = await counts(api);
    figure('b7 quota exhausted / hls.js', { position: Math.round((await position(browser.page)) * 10) / 10, ...seen, refusedMints, errors });
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].code, 'RATE_LIMIT_EXCEEDED');
    assert.equal(errors[0].retryable, false);
    assert.equal(seen.mints, 1);
    assert.equal(refusedMints, 1, 'the mint route is not hammered');
    assert.deepEqual(log.hlsErrors.filter((e) => e.code === 401 || e.code === 403), [], 'no 401/403 reached hls.js');
    assert.equal(browser.navigations(), 1, 'no page reload');
    // What is buffered and the rendition already loaded keep playing.
    assert.ok((await position(browser.page)) > before, 'the position still advances');
  } finally {
    await browser.close();
  }
});
