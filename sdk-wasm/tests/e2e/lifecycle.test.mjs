// End-to-end: tearing down a playing video in Chromium with real hls.js, in either order. Freeing
// the player first used to leave hls.js loading through a freed player ("null pointer passed to
// rust" inside its loader, playback stalled); now `free()` destroys the `Hls` that `attach`
// made, and nothing throws in the page either way. Needs ANSDEV_SERVER_BIN (scripts/test-wasm.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { openPage, startServer, startSite } from './harness.mjs';

const ENCRYPTED = 'vid_demo_encrypted';

let api;
let site;

before(async () => {
  api = await startServer(['--dev']);
  site = await startSite(api);
});

after(async () => {
  await site?.stop();
  api?.stop();
});

async function jobIdOf(videoId) {
  const answer = await fetch(`${api.base}/v1/video/${videoId}`, { headers: { 'x-ansdev-key': api.apiKey } });
  return (await answer.json()).data.jobId;
}

/** Plays the encrypted demo past 1 s, runs `teardown` in the page, and reports what followed. */
async function playThenTearDown(teardown) {
  const jobId = await jobIdOf(ENCRYPTED);
  const browser = await openPage(site);
  const pageErrors = [];
  browser.page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await browser.page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED });
    await browser.page.waitForFunction(() => document.getElementById('video').currentTime > 1, null, { timeout: 30_000 });
    const after = await browser.page.evaluate(teardown);
    // Give a stray loader callback time to surface as a page error (generous, never asserted as a bound).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { ...after, pageErrors };
  } finally {
    await browser.close();
  }
}

test('ts4 (Chromium): player.free() first destroys the attached Hls; later calls say PLAYER_FREED', { timeout: 60_000 }, async () => {
  const outcome = await playThenTearDown(() => {
    window.player.free();
    const detached = window.hls.media === null;
    window.hls.destroy(); // the application's own teardown afterwards is harmless
    let code = null;
    try {
      void window.player.jobId;
    } catch (error) {
      code = error.code;
    }
    return { detached, code };
  });
  assert.deepEqual(outcome, { detached: true, code: 'PLAYER_FREED', pageErrors: [] });
});

test('ts4 (Chromium): hls.destroy() first, then player.free(), throws nothing', { timeout: 60_000 }, async () => {
  const outcome = await playThenTearDown(() => {
    window.hls.destroy();
    window.player.free();
    window.player.free();
    return { detached: window.hls.media === null };
  });
  assert.deepEqual(outcome, { detached: true, pageErrors: [] });
});
