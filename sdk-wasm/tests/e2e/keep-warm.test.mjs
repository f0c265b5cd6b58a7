// End-to-end: keep-warm's mint count in Chromium with 10-second tokens, counted by the app's
// token backend. Two pages play the encrypted demo side by side for ~38 s with `keepWarm`: one
// with prefetch (everything the VOD needs is held, so the player is marked inactive and
// keep-warm mints nothing more), one without (keep-warm refreshes once per fresh window,
// 6.7 s). Needs ANSDEV_SERVER_BIN (scripts/test-wasm.sh). Prints the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { openPage, startServer, startSite } from './harness.mjs';

const TTL = 10;
const WATCH_MS = 38_000;
const ENCRYPTED = 'vid_demo_encrypted';

let api;
const figures = {};

before(async () => {
  api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
});

after(() => {
  api?.stop();
  console.log('keep-warm figures:', JSON.stringify(figures));
});

async function jobIdOf(videoId) {
  const answer = await fetch(`${api.base}/v1/video/${videoId}`, { headers: { 'x-ansdev-key': api.apiKey } });
  return (await answer.json()).data.jobId;
}

/**
 * Plays the encrypted demo with `keepWarm` for WATCH_MS on a site of its own; resolves to the
 * mints its backend made and how far the video played.
 */
async function watch({ prefetch }) {
  const site = await startSite(api);
  const browser = await openPage(site);
  try {
    const jobId = await jobIdOf(ENCRYPTED);
    // The harness page's `playWithSdk` has no keep-warm option: the same steps, with it on.
    await browser.page.evaluate(
      async ({ baseUrl, jobId, videoId, prefetch }) => {
        const { default: init, AnsdevPlayer, attach } = await import('/js/index.js');
        const { default: Hls } = await import('/hls.mjs');
        await init();
        const player = new AnsdevPlayer({ baseUrl, jobId, videoId, keepWarm: true, tokenProvider: window.mintForPage });
        const video = document.getElementById('video');
        window.hls = await attach(video, player, Hls, {}, { prefetch });
        window.hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
        window.player = player;
      },
      { baseUrl: api.base, jobId, videoId: ENCRYPTED, prefetch },
    );
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const position = await browser.page.evaluate(() => document.getElementById('video').currentTime);
    const refused = browser.requests.filter((r) => r.status === 401 || r.status === 403).length;
    return { mints: site.mints, position, refused };
  } finally {
    await browser.close();
    await site.stop();
  }
}

test('f3: keep-warm mints nothing once prefetch holds the whole VOD, and once per fresh window without it', async () => {
  const [held, unheld] = await Promise.all([watch({ prefetch: true }), watch({ prefetch: false })]);
  figures.heldMints = held.mints;
  figures.unheldMints = unheld.mints;
  figures.seconds = WATCH_MS / 1000;
  for (const run of [held, unheld]) {
    assert.ok(run.position > 10, `played to ${run.position}`);
    assert.equal(run.refused, 0, 'no request was refused');
  }
  // Held: the first token plays the whole video (before: 12 mints in 38 s).
  assert.equal(held.mints, 1, `${held.mints} mints while everything was held`);
  // Not held: a fresh window is 6.7 s, so 6 in 38 s (before: one every 3.3 s, 12); generous
  // bounds for a busy machine.
  assert.ok(unheld.mints >= 3 && unheld.mints <= 8, `${unheld.mints} mints without prefetch`);
});
