// `@ansdev/player/shaka` in Chromium: Shaka Player (its compiled UMD build) plays the encrypted
// demo through `attachShaka` on a small site of this test's own (the page, shaka-player, the
// package, and a token route minting with the demo key, as an app's backend would). Each test
// runs its own server-reference (`--dev`, 10 s tokens), so the tests run concurrently and each
// counts its own mints and key requests in the server's request journal. Needs
// ANSDEV_SERVER_BIN (scripts/test-wasm.sh).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openUrl, startServer } from './harness.mjs';

const TTL = 10;
const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const ENCRYPTED = 'vid_demo_encrypted';
const MINT_ROUTE = '/v1/video/{video_id}/playback-token';
const KEY_ROUTE = '/v1/video/playback/key/{token}/{job_id}';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Ansdev Player SDK, Shaka e2e</title>
<video id="video" muted playsinline width="320"></video>
<script src="/shaka-player.js"></script>
<script type="module">
  import init, { AnsdevPlayer } from '/js/index.js';
  import { attachShaka } from '/js/shaka.js';

  const video = document.getElementById('video');
  const log = (window.log = { shakaErrors: [], failedDownloads: [], events: [] });
  const tokenProvider = async (videoId) => {
    const answer = await fetch('/token?video=' + encodeURIComponent(videoId), { method: 'POST' });
    const body = await answer.json();
    if (!answer.ok) throw { code: body.code, status: answer.status };
    return body;
  };

  window.play = async ({ baseUrl, jobId, videoId, config, options }) => {
    await init();
    const player = (window.player = new AnsdevPlayer({ baseUrl, jobId, videoId, tokenProvider }));
    for (const name of ['tokenRefreshed', 'quotaLow', 'error']) {
      player.on(name, (e) => log.events.push({ name, code: e.code ?? null }));
    }
    const shakaPlayer = (window.shakaPlayer = await attachShaka(video, player, shaka, config, options));
    shakaPlayer.addEventListener('error', (e) =>
      log.shakaErrors.push({ code: e.detail.code, severity: e.detail.severity, status: e.detail.data?.[1] ?? null }),
    );
    shakaPlayer.addEventListener('downloadfailed', (e) => log.failedDownloads.push(e.httpResponseCode));
    video.play().catch(() => {});
  };

  // Switches to a rendition other than the one playing (ABR off in these tests).
  window.switchRendition = () => {
    const tracks = window.shakaPlayer.getVariantTracks();
    const other = tracks.find((t) => !t.active);
    window.shakaPlayer.selectVariantTrack(other, false);
    return [tracks.find((t) => t.active).height, other.height];
  };
  // Makes this page's Shaka treat a 401/403 as CRITICAL (no retry), as Shaka 4 did and an app's
  // own HTTP plugin may: Shaka's HTTP plugin, its refusals marked CRITICAL, over the default.
  window.refusalsCritical = () => {
    const { NetworkingEngine, HttpFetchPlugin } = shaka.net;
    const plugin = (uri, request, ...rest) =>
      HttpFetchPlugin.parse(uri, request, ...rest).chain(undefined, (error) => {
        if (error.code === shaka.util.Error.Code.BAD_HTTP_STATUS && [401, 403].includes(error.data[1])) {
          error.severity = shaka.util.Error.Severity.CRITICAL;
        }
        throw error;
      });
    for (const scheme of ['http', 'https']) {
      NetworkingEngine.registerScheme(scheme, plugin, NetworkingEngine.PluginPriority.APPLICATION, true);
    }
  };
  window.ready = true;
</script>
`;

/** This test's site: the page, shaka-player, the package, and `POST /token?video=…`. */
async function startSite(api) {
  // SHAKA_PLAYER_JS runs the same tests against another compiled Shaka (e.g. a 4.x build).
  const shakaBuild = process.env.SHAKA_PLAYER_JS ?? join(PACKAGE, 'node_modules/shaka-player/dist/shaka-player.compiled.js');
  const files = { '/shaka-player.js': shakaBuild };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://site');
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(PAGE);
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const answer = await fetch(`${api.base}/v1/video/${url.searchParams.get('video')}/playback-token`, {
          method: 'POST',
          headers: { 'x-ansdev-key': api.apiKey },
        });
        const body = await answer.json();
        const reply = body.success ? { token: body.data.token, expiresIn: body.data.expiresIn, jobId: body.data.jobId } : body.error;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      let path = files[url.pathname];
      if (!path && /^\/(pkg|js)\/[\w.-]+$/.test(url.pathname)) path = join(PACKAGE, normalize(url.pathname));
      if (!path) {
        res.writeHead(404).end();
        return;
      }
      const type = path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(await readFile(path));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** server-reference and the site, plus the server's journal. */
async function startStack() {
  const api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
  const site = await startSite(api);
  const answer = await fetch(`${api.base}/v1/video/${ENCRYPTED}`, { headers: { 'x-ansdev-key': api.apiKey } });
  const jobId = (await answer.json()).data.jobId;
  return {
    api,
    site,
    jobId,
    /** The server's journal entries, oldest first. */
    async journal() {
      const journal = await fetch(`${api.base}/dev/requests`);
      return /** @type {{ route: string, status: number }[]} */ ((await journal.json()).requests);
    },
    /** Moves the server's clock on by `seconds` (the page's clock does not move). */
    async advanceClock(seconds) {
      await fetch(`${api.base}/dev/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: seconds }),
      });
    },
    async stop() {
      await site.stop();
      api.stop();
    },
  };
}

/** Opens the page in a fresh profile (`before` may route requests first). */
async function openPage(stack, before = async () => {}) {
  const browser = await openUrl('about:blank');
  try {
    await before(browser.page);
    await browser.page.goto(stack.site.origin + '/');
    await browser.page.waitForFunction(() => window.ready === true);
  } catch (error) {
    await browser.close();
    throw error;
  }
  browser.startNavigations = browser.navigations();
  return browser;
}

/** Starts playing the encrypted demo through `attachShaka` with `config` and `options`. */
function play(stack, browser, config, options = {}) {
  return browser.page.evaluate((args) => window.play(args), {
    baseUrl: stack.api.base,
    jobId: stack.jobId,
    videoId: ENCRYPTED,
    config,
    options,
  });
}

/** A playlist URL without its token: `/manifest/{token}/` → `/manifest/`. */
const untokened = (url) => new URL(url).pathname.replace(/\/manifest\/[^/]+\//, '/manifest/');

/** Waits until the video has played past `seconds`. */
function playedPast(page, seconds, timeout = 60_000) {
  return page.waitForFunction((limit) => document.getElementById('video').currentTime > limit, seconds, {
    timeout,
    polling: 250,
  });
}

/** What the journal and the network log say about mints, keys and refusals. */
async function tally(stack, browser) {
  const journal = await stack.journal();
  return {
    mints: journal.filter((r) => r.route === MINT_ROUTE && r.status === 200).length,
    keys: journal.filter((r) => r.route === KEY_ROUTE),
    keyLoads: browser.requests.filter((r) => new URL(r.url).pathname.includes('/key/')),
    refusals: browser.requests.filter((r) => r.url.startsWith(stack.api.base) && (r.status === 401 || r.status === 403)),
    playlists: browser.requests.filter((r) => r.url.startsWith(stack.api.base) && r.url.endsWith('.m3u8')),
  };
}

/** The checks every playing test shares: one key, from the token route; no error reached Shaka. */
async function assertCleanPlayback(stack, browser, figures) {
  const log = await browser.page.evaluate(() => window.log);
  assert.deepEqual(log.shakaErrors, [], 'no Shaka error event');
  assert.deepEqual(log.events.filter((e) => e.name === 'error'), [], 'no player error event');
  assert.equal(figures.keys.length, 1, `the key was fetched once: ${JSON.stringify(figures.keys)}`);
  assert.equal(figures.keys[0]?.status, 200);
  assert.ok(
    figures.keyLoads.every((r) => r.url.startsWith(`${stack.api.base}/v1/video/playback/key/`) && r.url.endsWith(`/${stack.jobId}`)),
    `keys only from the token route: ${figures.keyLoads.map((r) => r.url)}`,
  );
  assert.equal(browser.navigations(), browser.startNavigations, 'no reload');
  assert.equal(browser.requests.filter((r) => r.url.endsWith('/master.m3u8')).length, 1, 'no manifest reload');
  assert.deepEqual(browser.errors, []);
  for (const request of browser.requests) {
    assert.equal(request.headers['x-ansdev-key'], undefined, 'the API key never reaches the page');
  }
  return log;
}

// ABR is off in the playing tests, so which renditions load (and so the mint count) is the
// test's choice, not the bandwidth estimate's on a busy machine.
const ONE_RENDITION = { abr: { enabled: false } };
// The heal tests need a playlist requested after the token's life: with prefetch it is held.
const NO_PREFETCH = { prefetch: false };

// Three at a time: each has its own server and browser; the longest plays 31 s.
describe('@ansdev/player/shaka', { concurrency: 3 }, () => {
  test('shaka: plays the encrypted demo past 3 token lifetimes on one mint, the key fetched once from the token route, no 401/403', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack);
    try {
      await play(stack, browser, ONE_RENDITION);
      await playedPast(browser.page, 3 * TTL + 1, 90_000);
      const figures = await tally(stack, browser);
      await assertCleanPlayback(stack, browser, figures);
      assert.deepEqual(figures.refusals, [], 'no 401/403 answered');
      // Shaka loads the master, the one media playlist it plays and (at the first segment) the
      // key up front; the prefetch holds every media playlist with that token: one token plays
      // the VOD.
      assert.equal(figures.mints, 1, `mints: ${figures.mints}`);
      const paths = figures.playlists.map((r) => untokened(r.url));
      assert.equal(new Set(paths).size, 3, `master and both media playlists: ${paths}`);
      assert.ok(paths.every((path) => paths.filter((p) => p === path).length <= 2), `each at most twice (Shaka's own and the prefetch): ${paths}`);
      console.log(`shaka: ${figures.mints} mint, ${figures.keys.length} key request over ${3 * TTL + 1} s played, no switch`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('shaka: a rendition first loaded after the token expired comes from the prefetch — one mint in all, no playlist request after the switch, the key not fetched again', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack);
    try {
      await play(stack, browser, ONE_RENDITION);
      await playedPast(browser.page, TTL + 2);
      const before = browser.requests.length;
      const [from, to] = await browser.page.evaluate(() => window.switchRendition());
      assert.notEqual(from, to);
      await playedPast(browser.page, 3 * TTL + 1, 90_000);
      const figures = await tally(stack, browser);
      await assertCleanPlayback(stack, browser, figures);
      assert.deepEqual(figures.refusals, [], 'no 401/403 answered');
      const late = browser.requests.slice(before).filter((r) => r.url.endsWith('.m3u8'));
      assert.deepEqual(late.map((r) => r.url), [], 'the new rendition was held');
      assert.equal(figures.mints, 1, `mints: ${figures.mints}`);
      console.log(`shaka: ${figures.mints} mint, ${figures.keys.length} key request over ${3 * TTL + 1} s played, switch ${from}p → ${to}p at ${TTL + 2} s`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('shaka (prefetch off): a rendition first loaded after the token expired takes one lazy mint; the key is not fetched again', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack);
    try {
      await play(stack, browser, ONE_RENDITION, NO_PREFETCH);
      await playedPast(browser.page, TTL + 2);
      const [from, to] = await browser.page.evaluate(() => window.switchRendition());
      assert.notEqual(from, to);
      await playedPast(browser.page, 3 * TTL + 1, 90_000);
      const figures = await tally(stack, browser);
      await assertCleanPlayback(stack, browser, figures);
      assert.deepEqual(figures.refusals, [], 'no 401/403 answered');
      assert.equal(figures.playlists.length, 3, 'master and both media playlists');
      assert.ok(figures.playlists.every((r) => r.status === 200));
      // Without prefetch Shaka loads media playlists lazily: the second one, loaded past the
      // first token's life, needs a token of its own.
      assert.equal(figures.mints, 2, `mints: ${figures.mints}`);
      console.log(`shaka (prefetch off): ${figures.mints} mints, switch ${from}p → ${to}p at ${TTL + 2} s`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  // Shaka 5 retries a 401/403 like any 4xx; Shaka 4 made them CRITICAL (no retry), and an app's
  // own HTTP plugin may. Both must heal: the second run makes this page's Shaka treat them so.
  for (const critical of [false, true]) {
    const shakaTreats = critical ? ' (Shaka treating 401/403 as CRITICAL)' : '';
    test(`shaka: a refusal is healed before Shaka sees it — the server clock jumps past the token, the next playlist is refused once, re-minted and retried${shakaTreats}`, { timeout: 90_000 }, async () => {
      const stack = await startStack();
      const browser = await openPage(stack);
      try {
        if (critical) await browser.page.evaluate(() => window.refusalsCritical());
        await play(stack, browser, ONE_RENDITION, NO_PREFETCH);
        await playedPast(browser.page, 2);
        // The token in hand is now expired on the server; the page does not know.
        await stack.advanceClock(TTL + 5);
        await browser.page.evaluate(() => window.switchRendition());
        const at = await browser.page.evaluate(() => document.getElementById('video').currentTime);
        await playedPast(browser.page, at + 6);
        const figures = await tally(stack, browser);
        const log = await browser.page.evaluate(() => window.log);
        assert.equal(figures.refusals.length, 1, `one refusal: ${JSON.stringify(figures.refusals.map((r) => r.status))}`);
        assert.ok(figures.refusals[0].url.endsWith('.m3u8'), 'the refused request was the new playlist');
        assert.equal(figures.playlists.filter((r) => r.status === 200).length, 3, 'the retry loaded it');
        assert.deepEqual(log.shakaErrors, [], 'Shaka never saw the refusal as an error');
        assert.deepEqual(log.events.filter((e) => e.name === 'error'), []);
        assert.equal(figures.mints, 2, 'the expired token and its one replacement');
        console.log(`shaka heal${shakaTreats}: ${figures.refusals.length} refusal, ${figures.mints} mints, played on to ${Math.round(at + 6)} s`);
      } finally {
        await browser.close();
        await stack.stop();
      }
    });
  }

  test("shaka: an app's own HTTP plugin in place of the SDK's — a held playlist goes out with its old token, is refused once, holding stops and Shaka's retry carries a fresh token", { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack);
    try {
      // The page's plugin (priority APPLICATION) replaces the SDK's for http and https.
      await browser.page.evaluate(() => window.refusalsCritical());
      await play(stack, browser, ONE_RENDITION);
      await playedPast(browser.page, 2);
      // Let the prefetch hold the other rendition, then outlive the token on the server.
      await browser.page.waitForTimeout(1_000);
      await stack.advanceClock(TTL + 5);
      await browser.page.evaluate(() => window.switchRendition());
      const at = await browser.page.evaluate(() => document.getElementById('video').currentTime);
      await playedPast(browser.page, at + 6);
      const figures = await tally(stack, browser);
      const log = await browser.page.evaluate(() => window.log);
      // The held request, sent by the page's plugin with the master's token, is refused once
      // and healed: its retry carries a fresh token.
      assert.deepEqual(figures.refusals.map((r) => r.status), [401]);
      assert.ok(figures.refusals[0].url.endsWith('/index.m3u8'), 'the refusal was the new playlist');
      assert.deepEqual(log.shakaErrors, [], 'Shaka never saw the refusal as an error');
      assert.deepEqual(log.events.filter((e) => e.name === 'error'), []);
      assert.equal(figures.mints, 2, 'the expired token and its one replacement');
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test("shaka: a refused key request is healed through Shaka's retry — one 401, one re-mint, the key loaded once, playback starts", { timeout: 60_000 }, async () => {
    const stack = await startStack();
    let expired = false;
    // The token expires on the server while the first key request is on its way.
    const browser = await openPage(stack, (page) =>
      page.route('**/v1/video/playback/key/**', async (route) => {
        if (!expired) {
          expired = true;
          await stack.advanceClock(TTL + 5);
        }
        await route.continue();
      }),
    );
    try {
      await play(stack, browser, ONE_RENDITION);
      await playedPast(browser.page, 3);
      const figures = await tally(stack, browser);
      const log = await browser.page.evaluate(() => window.log);
      assert.deepEqual(figures.keys.map((r) => r.status), [401, 200], 'refused once, then loaded');
      assert.deepEqual(log.shakaErrors, [], 'Shaka never saw the refusal as an error');
      assert.deepEqual(log.events.filter((e) => e.name === 'error'), []);
      assert.equal(figures.mints, 2, 'the expired token and its one replacement');
      console.log(`shaka key heal: key answers ${figures.keys.map((r) => r.status)}, ${figures.mints} mints`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('shaka (negative control): a wrong AES key stalls playback', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack, (page) =>
      page.route('**/v1/video/playback/key/**', (route) =>
        route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(16, 7) }),
      ),
    );
    try {
      // Shaka's decryption fails (WebCrypto refuses the padding): `load()` rejects, or Shaka
      // reports an error if it had already resolved.
      const outcome = await play(stack, browser, ONE_RENDITION).then(
        () => 'loaded',
        (error) => `rejected: ${error.message.split('\n')[0]}`,
      );
      await browser.page.waitForTimeout(6_000);
      const position = await browser.page.evaluate(() => document.getElementById('video').currentTime);
      assert.ok(position < 0.5, `with a wrong key nothing plays (position ${position})`);
      const log = await browser.page.evaluate(() => window.log);
      assert.ok(outcome !== 'loaded' || log.shakaErrors.length > 0, 'Shaka failed');
      console.log(`shaka wrong key: position ${position}, ${outcome}, Shaka errors ${JSON.stringify(log.shakaErrors)}`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('shaka: player.free() and shakaPlayer.destroy() in either order are safe, and nothing loads after', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openPage(stack);
    try {
      await play(stack, browser, ONE_RENDITION);
      await playedPast(browser.page, 1);
      // free() first: it destroys the shaka.Player; destroy() after it is harmless.
      const first = await browser.page.evaluate(async () => {
        window.player.free();
        await window.shakaPlayer.destroy();
        return window.shakaPlayer.getLoadMode() === shaka.Player.LoadMode.DESTROYED;
      });
      assert.equal(first, true, 'the shaka.Player was destroyed by free()');
      const after = browser.requests.length;
      // destroy() first, then free(), on a second pair.
      await browser.page.evaluate(async (args) => {
        await window.play(args);
        await window.shakaPlayer.destroy();
        window.player.free();
        window.player.free();
      }, { baseUrl: stack.api.base, jobId: stack.jobId, videoId: ENCRYPTED, config: ONE_RENDITION });
      const settled = browser.requests.length;
      await browser.page.waitForTimeout(2_000);
      assert.ok(after <= settled);
      assert.deepEqual(browser.requests.slice(settled).map((r) => r.url), [], 'nothing loads after teardown');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });
});
