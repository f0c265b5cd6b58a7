// End-to-end: the encrypted demo video plays in Chromium through hls.js and the package, with
// 10-second tokens, for more than three token lifetimes without a reload; and two negative
// controls show the SDK is what makes it play. Needs ANSDEV_SERVER_BIN (scripts/test-wasm.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { openPage, startServer, startSite } from './harness.mjs';

const TTL = 10;
const ENCRYPTED = 'vid_demo_encrypted';
const PLAIN = 'vid_demo_plain';

let api;
let site;
const figures = {};

before(async () => {
  api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
  site = await startSite(api);
});

after(async () => {
  await site?.stop();
  api?.stop();
  console.log('e2e figures:', JSON.stringify(figures));
});

/** The successful mints the server has answered so far, counted by its request journal (`--dev`). */
async function serverMints() {
  const journal = await (await fetch(`${api.base}/dev/requests`)).json();
  return journal.requests.filter((r) => r.route === '/v1/video/{video_id}/playback-token' && r.status === 200).length;
}

async function jobIdOf(videoId) {
  const answer = await fetch(`${api.base}/v1/video/${videoId}`, { headers: { 'x-ansdev-key': api.apiKey } });
  return (await answer.json()).data.jobId;
}

const currentTime = (page) => page.evaluate(() => document.getElementById('video').currentTime);

/**
 * Plays the encrypted demo for more than 3 × the TTL; past the first token's life, switches
 * rendition (hls.js then needs the other media playlist). Returns what it measured.
 */
async function playEncryptedPastThreeTtls({ prefetch }) {
  const jobId = await jobIdOf(ENCRYPTED);
  const mintsBefore = await serverMints();
  const browser = await openPage(site);
  try {
    await browser.page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED, prefetch });
    await browser.page.waitForFunction((limit) => document.getElementById('video').currentTime > limit, TTL + 2, {
      timeout: 60_000,
      polling: 250,
    });
    const switchedAt = browser.requests.length;
    const switchedFrom = await browser.page.evaluate(() => {
      const hls = window.hls;
      const from = hls.currentLevel;
      hls.nextLevel = hls.levels.findIndex((_, i) => i !== from);
      return from;
    });
    await browser.page.waitForFunction((limit) => document.getElementById('video').currentTime > limit, 3 * TTL + 1, {
      timeout: 100_000,
      polling: 500,
    });
    const log = await browser.page.evaluate(() => window.log);
    const position = await currentTime(browser.page);
    assert.ok(position > 3 * TTL, `played to ${position}`);
    assert.equal(browser.navigations(), 1, 'no page reload');
    const masterLoads = browser.requests.filter((r) => r.url.endsWith('/master.m3u8'));
    assert.equal(masterLoads.length, 1, 'no manifest reload');
    assert.ok(log.levelsSwitched.some((level) => level !== switchedFrom), `switched rendition: ${log.levelsSwitched}`);
    assert.deepEqual(
      log.hlsErrors.filter((e) => e.code === 401 || e.code === 403),
      [],
      'no 401/403 reached hls.js',
    );
    assert.deepEqual(log.hlsErrors.filter((e) => e.fatal), [], 'no fatal hls.js error');
    const keyRequests = browser.requests.filter((r) => r.url.includes('/key/'));
    assert.equal(keyRequests.length, 1, 'the key was fetched once (held in memory, or cached by hls.js by its stable URI)');
    for (const request of keyRequests) {
      assert.match(new URL(request.url).pathname, new RegExp(`^/v1/video/playback/key/[^/]+/${jobId}$`));
    }
    assert.ok(!browser.requests.some((r) => r.url.includes(`/video/key/${jobId}`) && !r.url.includes('/playback/')), 'cookie key route never used');
    assert.equal(browser.requests.filter((r) => r.status === 401).length, 0, 'no request was refused');
    const playlists = browser.requests.filter((r) => r.url.endsWith('/index.m3u8'));
    const tokens = new Set(
      [...playlists, ...keyRequests, ...masterLoads].map((r) => new URL(r.url).pathname.split('/')[5]),
    );
    return {
      mints: (await serverMints()) - mintsBefore,
      position,
      log,
      keyRequests,
      playlists,
      laterPlaylists: browser.requests.slice(switchedAt).filter((r) => r.url.endsWith('/index.m3u8')),
      tokens,
      m3u8Loads: browser.requests.filter((r) => r.url.includes('.m3u8')).length,
    };
  } finally {
    await browser.close();
  }
}

test('prefetch (default): the encrypted demo plays past 3 × the TTL on one token, rendition switch included', { timeout: 120_000 }, async () => {
  const run = await playEncryptedPastThreeTtls({ prefetch: true });
  assert.equal(run.playlists.length, 2, 'each media playlist was fetched once, right after the master');
  assert.deepEqual(run.laterPlaylists, [], 'the switch was answered from memory');
  assert.equal(run.tokens.size, 1, 'master, playlists and key all carried the same token');
  assert.equal(run.mints, 1, `mints spent: ${run.mints}`);
  Object.assign(figures, {
    encryptedPlayedSeconds: Math.round(run.position * 10) / 10,
    encryptedMints: run.mints,
    encryptedKeyRequests: run.keyRequests.length,
    encryptedPlaylistLoads: run.m3u8Loads,
    encryptedFirstFrameMs: Math.round(run.log.firstFrameMs),
    wasmInitMs: Math.round(run.log.initMs),
  });
});

test('prefetch off: the switch past the first token’s life loads the other playlist with a lazily re-minted token', { timeout: 120_000 }, async () => {
  const run = await playEncryptedPastThreeTtls({ prefetch: false });
  assert.ok(run.laterPlaylists.length >= 1, 'the switch loaded a media playlist');
  assert.ok(run.laterPlaylists.every((r) => r.status === 200));
  assert.equal(run.mints, 2, `mints spent: ${run.mints} (one at start, one lazy refresh for the switch)`);
  figures.encryptedMintsWithoutPrefetch = run.mints;
});

test('a token expired on arrival is healed: one re-mint, one retry, hls.js never sees the 401', { timeout: 60_000 }, async () => {
  const jobId = await jobIdOf(ENCRYPTED);
  const mintsBefore = await serverMints();
  site.expireNextMint = true;
  const browser = await openPage(site);
  try {
    await browser.page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED });
    await browser.page.waitForFunction(() => document.getElementById('video').currentTime > 2, null, { timeout: 30_000 });
    const log = await browser.page.evaluate(() => window.log);
    const refused = browser.requests.filter((r) => r.status === 401);
    assert.equal(refused.length, 1, JSON.stringify(refused.map((r) => new URL(r.url).pathname.split('/').slice(0, 5))));
    assert.deepEqual(log.hlsErrors.filter((e) => e.code === 401 || e.code === 403), []);
    const mints = (await serverMints()) - mintsBefore;
    assert.equal(mints, 2, 'the expired token and its one replacement');
    assert.deepEqual(log.events.filter((e) => e.name === 'error'), []);
    figures.healMints = mints;
  } finally {
    await browser.close();
  }
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Time from "play" to the first decoded frame, in a fresh profile (cold caches). */
async function firstFrameMs(start) {
  const browser = await openPage(site);
  try {
    await start(browser.page);
    await browser.page.waitForFunction(() => window.log.firstFrameMs !== null, null, { timeout: 30_000 });
    return await browser.page.evaluate(() => window.log.firstFrameMs);
  } finally {
    await browser.close();
  }
}

test('time to first frame: SDK (mint included) vs plain hls.js with a pre-minted token, same video', { timeout: 120_000 }, async () => {
  const jobId = await jobIdOf(PLAIN);
  const sdk = [];
  const plain = [];
  // Alternated runs, medians: one run of each is noise on a shared machine.
  for (let run = 0; run < 5; run++) {
    sdk.push(
      await firstFrameMs((page) =>
        page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: PLAIN }),
      ),
    );
    plain.push(
      await firstFrameMs(async (page) => {
        const { token } = await page.evaluate((v) => window.mintForPage(v), PLAIN);
        const url = `${api.base}/v1/video/playback/manifest/${token}/${jobId}/master.m3u8`;
        await page.evaluate((u) => window.playPlain(u), url);
      }),
    );
  }
  figures.firstFrameMedianMs = { sdkWithMint: Math.round(median(sdk)), plainHlsPreMinted: Math.round(median(plain)) };
  figures.firstFrameRunsMs = { sdk: sdk.map(Math.round), plain: plain.map(Math.round) };
});

test('negative control: without the SDK the encrypted video’s key fetch fails', { timeout: 60_000 }, async () => {
  const jobId = await jobIdOf(ENCRYPTED);
  const browser = await openPage(site);
  try {
    const { token } = await browser.page.evaluate((v) => window.mintForPage(v), ENCRYPTED);
    await browser.page.evaluate((u) => window.playPlain(u), `${api.base}/v1/video/playback/manifest/${token}/${jobId}/master.m3u8`);
    await browser.page.waitForFunction(() => window.log.hlsErrors.some((e) => e.details === 'keyLoadError'), null, {
      timeout: 30_000,
    });
    await browser.page.waitForTimeout(3000);
    assert.equal(await currentTime(browser.page), 0, 'nothing played');
    const keyRequests = browser.requests.filter((r) => r.url.includes('/key/'));
    assert.ok(keyRequests.length >= 1);
    for (const request of keyRequests) {
      assert.ok(request.status === 401 || request.status === 403, `key answered ${request.status}`);
    }
  } finally {
    await browser.close();
  }
});

test('negative control: with a wrong key the SDK’s playback stalls', { timeout: 60_000 }, async () => {
  const jobId = await jobIdOf(ENCRYPTED);
  const browser = await openPage(site);
  try {
    await browser.page.route('**/v1/video/playback/key/**', (route) =>
      route.fulfill({
        status: 200,
        body: Buffer.alloc(16, 7),
        headers: { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*' },
      }),
    );
    await browser.page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED });
    await browser.page.waitForFunction(() => window.log.hlsErrors.some((e) => e.fatal), null, { timeout: 30_000 });
    await browser.page.waitForTimeout(3000);
    assert.equal(await currentTime(browser.page), 0, 'playback stalled at 0');
    const log = await browser.page.evaluate(() => window.log);
    assert.ok(log.hlsErrors.some((e) => e.details === 'fragParsingError' || e.details === 'fragDecryptError'), JSON.stringify(log.hlsErrors));
  } finally {
    await browser.close();
  }
});
