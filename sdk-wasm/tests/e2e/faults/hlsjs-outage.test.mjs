// The SDK's hls.js integration while the app's token backend fails for 20 s, then recovers: the
// encrypted demo plays past three 10-second token lifetimes. Prefetch is off, so the rendition
// switch inside the outage needs a media playlist and a token the provider cannot give.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
  PAST_THREE_TTLS, TTL, counts, figure, openPage, playPast, playWithSdk, position, startApi,
  startProviderSite, switchRendition,
} from './fault-harness.mjs';

let api;
let site;

before(async () => {
  api = await startApi();
  site = await startProviderSite(api);
});

after(async () => {
  await site?.stop();
  api?.stop();
});

test('b2 hls.js: the token provider fails for 20 s, then recovers', { timeout: 200_000 }, async () => {
  const browser = await openPage(site);
  try {
    await playWithSdk(browser, api, { prefetch: false });
    await playPast(browser.page, 2);
    site.down(20_000);
    const downFrom = Date.now();
    // Past the first token's life, inside the outage.
    await browser.page.waitForTimeout(TTL * 1000);
    await switchRendition(browser.page);
    await playPast(browser.page, PAST_THREE_TTLS);
    const played = await position(browser.page);
    const log = await browser.page.evaluate(() => window.log);
    const seen = await counts(api);
    const errors = log.events.filter((e) => e.name === 'error');
    const values = {
      position: Math.round(played * 10) / 10,
      ...seen,
      providerCalls: site.calls,
      providerRefused: site.refusedCalls,
      errorEvents: errors.map((e) => ({ code: e.code, status: e.status, retryable: e.retryable, retryInMs: e.retryInMs, attempt: e.attempt })),
      hlsErrors: log.hlsErrors,
      outageMs: Date.now() - downFrom,
    };
    figure('b2 provider down 20 s / hls.js', values);
    assert.ok(played > PAST_THREE_TTLS, `played to ${played}`);
    assert.equal(browser.navigations(), 1, 'no page reload');
    assert.deepEqual(log.hlsErrors.filter((e) => e.code === 401 || e.code === 403), [], 'no 401/403 reached hls.js');
    assert.deepEqual(log.hlsErrors.filter((e) => e.fatal), [], 'no fatal hls.js error');
    // Every error event carries the provider's code and says it is worth retrying.
    for (const e of errors) {
      assert.equal(e.retryable, true, JSON.stringify(e));
    }
    assert.ok(seen.mints >= 1 && seen.mints <= 3, `${seen.mints} mints`);
    // Bounded: the provider is not hammered through the outage.
    assert.ok(site.refusedCalls <= 30, `${site.refusedCalls} provider calls during the outage`);
  } finally {
    await browser.close();
  }
});
