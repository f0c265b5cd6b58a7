// Time to first frame: the SDK's hls.js path and `<ansdev-player>` against plain hls.js, side by
// side in one run.
//
//   ANSDEV_SERVER_BIN=target/debug/server-reference node sdk-wasm/bench/ttff.mjs [RUNS] [LATENCY_MS]
//   (scripts/bench-ttff.sh builds what it needs and runs this)
//
// Each run is a fresh Chromium profile (cold caches) with every request delayed by LATENCY_MS
// (CDP Network.emulateNetworkConditions; default 50 ms). The page loads and `init()` resolves
// before the clock starts: the time runs from the call that starts playback to the first
// `requestVideoFrameCallback`. The players alternate run by run, so a noisy machine slows both.
//   plain — hls.js alone, a master URL with a token minted beforehand, `xhrSetup` mapping the key
//           URI to the key route with that token (what an app writes without the SDK)
//   sdk     — `new AnsdevPlayer({ tokenProvider })` + `attach()`: the token is minted at start
//   preload — the same, with `preload(player, Hls)` done at page load (outside the timed part),
//             as a page does once it knows the video: `attach()` finds the playlists and key held
//   element — `<ansdev-player preload="metadata">` connected at page load (outside the timed
//             part; it mints and holds the playlists and the key), then `element.play()`
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mint, startServer, startSite } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.argv[2] ?? 9);
const LATENCY = Number(process.argv[3] ?? 50);
const VIDEO = 'vid_demo_encrypted';

/** One cold run of `mode`: milliseconds to the first frame. */
async function run(site, api, mode, video) {
  const profile = await mkdtemp(join(tmpdir(), 'ansdev-ttff-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: LATENCY, downloadThroughput: -1, uploadThroughput: -1 });
    await page.goto(site.origin + '/');
    await page.waitForFunction(() => window.harnessReady === true);
    if (mode === 'plain') {
      const { token } = await mint(api, VIDEO);
      const master = `${api.base}/v1/video/playback/manifest/${token}/${video.jobId}/master.m3u8`;
      const key = `${api.base}/v1/video/playback/key/${token}/${video.jobId}`;
      await page.evaluate(([m, k]) => window.playPlainEncrypted(m, k), [master, key]);
    } else if (mode === 'element') {
      await page.evaluate((v) => window.preloadElement(v), { baseUrl: api.base, jobId: video.jobId, videoId: VIDEO });
      // The held answers settle a moment after the key's (the media playlists are in parallel).
      await page.waitForTimeout(300);
      await page.evaluate(() => window.playElement());
    } else if (mode === 'preload') {
      await page.evaluate((v) => window.preloadSdk(v), { baseUrl: api.base, jobId: video.jobId, videoId: VIDEO });
      await page.evaluate(() => window.playPreloaded());
    } else {
      // init() first, outside the timed part (a page calls it at load).
      await page.evaluate(() => import('/js/index.js').then((m) => m.init()));
      await page.evaluate((v) => window.playWithSdk(v), { baseUrl: api.base, jobId: video.jobId, videoId: VIDEO });
    }
    await page.waitForFunction(() => window.log.firstFrameMs !== null, null, { timeout: 30_000 });
    const errors = await page.evaluate(() => window.log.hlsErrors.filter((e) => e.fatal));
    if (errors.length) throw new Error(`${mode}: ${JSON.stringify(errors)}`);
    return await page.evaluate(() => window.log.firstFrameMs);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const api = await startServer(['--dev']);
const site = await startSite(api);
try {
  const video = (await (await fetch(`${api.base}/v1/video/${VIDEO}`, { headers: { 'x-ansdev-key': api.apiKey } })).json()).data;
  const times = { plain: [], sdk: [], preload: [], element: [] };
  await run(site, api, 'plain', video); // warm-up: the OS's file cache, not the browser's
  for (let i = 0; i < RUNS; i += 1) {
    // Rotated run by run, so no player always goes first.
    const order = ['plain', 'sdk', 'preload', 'element'];
    for (let k = 0; k < order.length; k += 1) {
      const mode = order[(i + k) % order.length];
      times[mode].push(await run(site, api, mode, video));
    }
  }
  const plain = median(times.plain);
  console.log(`time to first frame, ${RUNS} cold runs each, ${LATENCY} ms per request`);
  for (const [mode, values] of Object.entries(times)) {
    const m = median(values);
    console.log(`  ${mode.padEnd(7)} median ${m.toFixed(0).padStart(5)} ms  (${(m / plain).toFixed(2)}× plain)  runs: ${values.map((v) => v.toFixed(0)).join(' ')}`);
  }
} finally {
  await site.stop();
  api.stop();
}
