// Video.js 8 (VHS) through `@ansdev/player/videojs`, and Vidstack through its hls.js provider
// (`library` + `config` from `createHlsConfig`), in Chromium. Each test runs its own
// server-reference (`--dev`, 10 s tokens) and a tiny site of its own: the pages below (no build
// step: Video.js's browser build as a classic script; Vidstack's browser build
// `prod/define/vidstack-player.js` as a module, its few dependencies and hls.js through an import
// map, all from node_modules), the package, and `POST /token`,
// which mints with the demo key as an app's backend would. Mints are counted in the server's
// request journal. Needs ANSDEV_SERVER_BIN (scripts/test-wasm.sh).
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

// The page's token provider: this site's backend route.
const PROVIDER = `
  const tokenProvider = async (videoId) => {
    const answer = await fetch('/token?video=' + encodeURIComponent(videoId), { method: 'POST' });
    const body = await answer.json();
    if (!answer.ok) throw { code: body.code, status: answer.status };
    return body;
  };
  const log = (window.log = { refreshed: 0, sdkErrors: [], engineErrors: [], engineStatuses: [] });
  const watchPlayer = (player) => {
    player.on('tokenRefreshed', () => (log.refreshed += 1));
    player.on('error', (e) => log.sdkErrors.push(e.code));
  };`;

const VIDEOJS_PAGE = `<!doctype html>
<meta charset="utf-8">
<video id="video" class="video-js" muted playsinline width="320"></video>
<script src="/nm/video.js/dist/video.min.js"></script>
<script type="module">
  import init, { AnsdevPlayer } from '/js/index.js';
  import { attachVideojs } from '/js/videojs.js';
  ${PROVIDER}
  window.play = async ({ baseUrl, jobId, videoId, options }) => {
    await init();
    const player = (window.player = new AnsdevPlayer({ baseUrl, jobId, videoId, tokenProvider, keepWarm: true }));
    watchPlayer(player);
    // A short buffer, so segments (and a rendition switch's playlist) load all along.
    videojs.Vhs.GOAL_BUFFER_LENGTH = 6;
    videojs.Vhs.MAX_GOAL_BUFFER_LENGTH = 6;
    // A rendition VHS excluded after an error is tried again after a second, not a minute.
    const vjs = (window.vjs = videojs('video', { muted: true, html5: { vhs: { playlistExclusionDuration: 1 } } }));
    // What the engine itself sees: its error and retry events, and every status VHS receives.
    vjs.on('error', () => log.engineErrors.push('error ' + (vjs.error() && vjs.error().code)));
    vjs.on('retryplaylist', () => log.engineErrors.push('retryplaylist'));
    vjs.on('xhr-hooks-ready', () => {
      vjs.tech(true).vhs.xhr.onResponse((request, error, response) => log.engineStatuses.push(response.statusCode));
    });
    await attachVideojs(vjs, player, options);
    vjs.play()?.catch(() => {});
  };
  window.position = () => window.vjs.currentTime();
  window.media = () => window.vjs.tech(true).vhs.playlists.media().id;
  // Makes VHS load the rendition it is not playing (the playlist loader's documented media()).
  window.loadOther = () => {
    const playlists = window.vjs.tech(true).vhs.playlists;
    const other = playlists.main.playlists.find((p) => p !== playlists.media());
    playlists.media(other);
    return other.uri;
  };
  // Makes VHS load (and play) another rendition: a media playlist it has not loaded yet.
  window.switchRendition = () => {
    const reps = window.vjs.tech(true).vhs.representations();
    const current = window.vjs.tech(true).vhs.playlists.media().id;
    const other = reps.find((r) => r.id !== current);
    for (const r of reps) r.enabled(r === other);
    return other.id;
  };
  window.ready = true;
</script>`;

const VIDSTACK_PAGE = `<!doctype html>
<meta charset="utf-8">
<script type="importmap">
  {
    "imports": {
      "hls.js": "/nm/hls.js/dist/hls.mjs",
      "media-captions": "/nm/media-captions/dist/prod.js",
      "@floating-ui/dom": "/nm/@floating-ui/dom/dist/floating-ui.dom.browser.mjs",
      "@floating-ui/core": "/nm/@floating-ui/core/dist/floating-ui.core.browser.mjs",
      "fscreen": "/nm/fscreen/dist/fscreen.esm.js"
    }
  }
</script>
<media-player id="player" muted autoplay playsinline style="width: 320px"><media-provider></media-provider></media-player>
<script type="module">
  // <media-player> and <media-provider> from Vidstack's browser build (its CDN build imports
  // icons from a CDN at load time, which a closed network refuses).
  import '/nm/vidstack/prod/define/vidstack-player.js';
  import Hls from 'hls.js';
  import init, { AnsdevPlayer, createHlsConfig } from '/js/index.js';
  ${PROVIDER}
  window.play = async ({ baseUrl, jobId, videoId }) => {
    await init();
    const player = (window.player = new AnsdevPlayer({ baseUrl, jobId, videoId, tokenProvider }));
    watchPlayer(player);
    const media = document.getElementById('player');
    // The recipe: hand Vidstack's hls.js provider the library and the SDK's config.
    media.addEventListener('provider-change', (event) => {
      const provider = event.detail;
      if (provider && provider.type === 'hls') {
        provider.library = Hls;
        provider.config = createHlsConfig(player, Hls);
        provider.onInstance((hls) => {
          window.hls = hls;
          hls.on(Hls.Events.ERROR, (_e, data) =>
            log.engineErrors.push({ details: data.details, fatal: data.fatal, code: data.response ? data.response.code : null }),
          );
        });
      }
    });
    media.src = { src: await player.masterPlaylistUrl(), type: 'application/x-mpegurl' };
  };
  window.position = () => document.querySelector('video')?.currentTime ?? 0;
  window.ready = true;
</script>`;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** The app's site: the two pages, hls.js, Video.js, Vidstack, the package and `POST /token`. */
async function startSite(api) {
  const pages = { '/videojs': VIDEOJS_PAGE, '/vidstack': VIDSTACK_PAGE };
  const trees = {
    '/nm/': join(PACKAGE, 'node_modules/'),
    '/js/': join(PACKAGE, 'js/'),
    '/pkg/': join(PACKAGE, 'pkg/'),
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    try {
      if (url.pathname === '/token' && req.method === 'POST') {
        const answer = await fetch(`${api.base}/v1/video/${url.searchParams.get('video')}/playback-token`, {
          method: 'POST',
          headers: { 'x-ansdev-key': api.apiKey },
        });
        const body = await answer.json();
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body.success ? { token: body.data.token, expiresIn: body.data.expiresIn } : body.error));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const page = pages[url.pathname];
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        return;
      }
      let path;
      for (const [prefix, dir] of Object.entries(trees)) {
        const rest = normalize(url.pathname.slice(prefix.length));
        if (!path && url.pathname.startsWith(prefix) && !rest.startsWith('..')) path = join(dir, rest);
      }
      if (!path) {
        res.writeHead(404).end();
        return;
      }
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  return { origin, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** server-reference with 10 s tokens, the site, and helpers around the server's dev routes. */
async function startStack() {
  const api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
  const site = await startSite(api);
  const answer = await fetch(`${api.base}/v1/video/${ENCRYPTED}`, { headers: { 'x-ansdev-key': api.apiKey } });
  const jobId = (await answer.json()).data.jobId;
  return {
    api,
    site,
    jobId,
    async journal() {
      const journal = await fetch(`${api.base}/dev/requests`);
      return /** @type {{ route: string, status: number }[]} */ ((await journal.json()).requests);
    },
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

/** Opens `path` of the stack's site and starts playing the encrypted demo. */
async function openAndPlay(stack, path, { wrongKey = false, options = {} } = {}) {
  const browser = await openUrl(`${stack.site.origin}${path}`);
  if (wrongKey) {
    // The negative control: the key route answers 16 wrong bytes.
    await browser.page.route('**/v1/video/playback/key/**', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(16, 0x5a) }),
    );
  }
  await browser.page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 }).catch((error) => {
    throw new Error(`${path} did not load: ${browser.errors.join('; ')}`, { cause: error });
  });
  await browser.page.evaluate((args) => window.play(args), { baseUrl: stack.api.base, jobId: stack.jobId, videoId: ENCRYPTED, options });
  return browser;
}

const playedPast = (page, seconds, timeout = 90_000) =>
  page.waitForFunction((limit) => window.position() > limit, seconds, { timeout, polling: 250 });

const refusals = (browser, stack) =>
  browser.requests.filter((r) => r.url.startsWith(stack.api.base) && (r.status === 401 || r.status === 403));

/** The key requests of the page: every one from the token route, and how many. */
function keyRequests(browser, stack) {
  const keys = browser.requests.filter((r) => new URL(r.url).pathname.includes('/key/'));
  for (const key of keys) {
    assert.match(key.url, new RegExp(`^${stack.api.base}/v1/video/playback/key/[^/]+/${stack.jobId}$`), 'keys only from the token route');
  }
  return keys;
}

const figures = {};

describe('Video.js and Vidstack', { concurrency: 3 }, () => {
  for (const prefetch of [true, false]) {
    const mode = prefetch ? '' : ' (prefetch off)';
    test(`videojs${mode}: plays the encrypted demo past 3 token lifetimes, switching rendition after the first, key fetched once, no 401/403, ${prefetch ? 'on one mint (the playlists held, the player then inactive)' : 'mints as keep-warm schedules them'}`, { timeout: 150_000 }, async () => {
      const stack = await startStack();
      const browser = await openAndPlay(stack, '/videojs', { options: { prefetch } });
      const started = Date.now();
      try {
        const { page } = browser;
        await playedPast(page, TTL + 2);
        const beforeSwitch = browser.requests.length;
        const switchedTo = await page.evaluate(() => window.switchRendition());
        await playedPast(page, 3 * TTL + 1);
        const playingSeconds = (Date.now() - started) / 1000;
        const log = await page.evaluate(() => window.log);
        assert.equal(browser.navigations(), 1, 'no reload');
        assert.deepEqual(refusals(browser, stack), [], 'no API answer was a 401/403');
        assert.deepEqual(log.engineStatuses.filter((s) => s === 401 || s === 403), [], 'no 401/403 reached VHS');
        assert.deepEqual(log.engineErrors, [], 'no Video.js error or playlist retry');
        assert.deepEqual(log.sdkErrors, []);
        const api = (r) => r.url.startsWith(stack.api.base);
        const playlists = browser.requests.filter((r) => r.url.endsWith('/index.m3u8') && api(r));
        const late = browser.requests.slice(beforeSwitch).filter((r) => r.url.endsWith('/index.m3u8') && api(r));
        if (prefetch) {
          // VHS's first media playlist may go out before the prefetch holds it: once each by the
          // prefetch, at most once more by VHS at the start.
          const paths = playlists.map((r) => new URL(r.url).pathname.replace(/\/manifest\/[^/]+\//, '/manifest/'));
          assert.equal(new Set(paths).size, 2, `both media playlists: ${paths}`);
          assert.ok(playlists.length <= 3, `each fetched once by the prefetch, one at most once more by VHS: ${paths}`);
          assert.deepEqual(late.map((r) => r.url), [], `the switch to ${switchedTo} read its playlist from memory`);
          // VHS resolves a playlist's URIs against the URL it was answered from: still the API's.
          const resolved = await page.evaluate(() => window.vjs.tech(true).vhs.playlists.main.playlists.map((p) => p.resolvedUri));
          assert.ok(resolved.every((uri) => uri.startsWith(stack.api.base)), `playlists keep their URLs: ${resolved}`);
        } else {
          assert.ok(late.length >= 1, `the second rendition's playlist was loaded after the switch to ${switchedTo}`);
        }
        const keys = keyRequests(browser, stack);
        assert.equal(keys.length, 1, 'the key was fetched once (VHS caches it by its stable URI)');
        const journal = await stack.journal();
        const mints = journal.filter((r) => r.route === MINT_ROUTE && r.status === 200).length;
        assert.equal(mints, log.refreshed, 'every mint the server answered is one the player took in');
        // With prefetch: one. Without: keep-warm refreshes as the token leaves its fresh window
        // (its life minus the margin, which a 10 s life caps at a third), at most once per 2/3 of
        // the life while playing, plus the first mint and one under way.
        const bound = prefetch ? 1 : 2 + Math.ceil(playingSeconds / ((2 * TTL) / 3));
        assert.ok(mints >= 1 && mints <= bound, `${mints} mints in ${playingSeconds.toFixed(1)} s (bound ${bound})`);
        assert.equal(journal.filter((r) => r.route === KEY_ROUTE).length, 1);
        assert.deepEqual(browser.errors, []);
        figures[prefetch ? 'videojs' : 'videojsNoPrefetch'] = { mints, bound, keyRequests: keys.length, playedSeconds: await page.evaluate(() => window.position()), passed: true };
        console.log(`videojs${mode}: ${mints} mints (bound ${bound}) in ${playingSeconds.toFixed(1)} s, ${keys.length} key request, played past ${3 * TTL + 1} s`);
      } finally {
        await browser.close();
        await stack.stop();
      }
    });
  }

  test('videojs: paused while the server clock jumps past the token, the rendition loaded next comes from memory — no refusal, no mint', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/videojs');
    try {
      const { page } = browser;
      await playedPast(page, 4);
      await page.evaluate(() => window.vjs.pause());
      await stack.advanceClock(TTL + 5);
      const other = await page.evaluate(() => window.loadOther());
      await page.waitForFunction((uri) => window.vjs.tech(true).vhs.playlists.media().uri === uri, other, { timeout: 20_000 });
      await page.evaluate(() => window.vjs.play());
      const at = await page.evaluate(() => window.position());
      await playedPast(page, at + 4, 60_000);
      const log = await page.evaluate(() => window.log);
      assert.deepEqual(refusals(browser, stack), [], 'no API answer was a 401/403');
      assert.deepEqual(log.engineStatuses.filter((s) => s === 401 || s === 403), [], 'no 401/403 reached VHS');
      assert.equal(log.refreshed, 1, 'the first mint only');
      assert.equal(keyRequests(browser, stack).length, 1);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('videojs (prefetch off): heals a token the server expired while paused (clock jump): VHS sees one 401, the adapter renews its URL, and the next load of that playlist carries a fresh token; playback continues', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/videojs', { options: { prefetch: false } });
    try {
      const { page } = browser;
      await playedPast(page, 4);
      // Paused, nothing is refreshed ahead (setActive(false)); the server's clock then jumps
      // past every token the page holds, and VHS loads the rendition it has not loaded yet.
      await page.evaluate(() => window.vjs.pause());
      await stack.advanceClock(TTL + 5);
      const mintsBefore = await page.evaluate(() => window.log.refreshed);
      const other = await page.evaluate(() => window.loadOther());
      const refusedOnce = () => browser.requests.some((r) => r.url.endsWith(other) && r.status === 401);
      await page.waitForFunction(() => window.log.engineStatuses.includes(401), null, { timeout: 20_000 });
      assert.ok(refusedOnce(), 'the held URL of the other rendition was refused (its token expired on the server)');
      // VHS excluded that rendition for a second (the page's `playlistExclusionDuration`); its
      // next load finds a URL with a fresh token held.
      await page.waitForTimeout(1500);
      await page.evaluate(() => window.loadOther());
      await page.waitForFunction((uri) => window.vjs.tech(true).vhs.playlists.media().uri === uri, other, { timeout: 20_000 });
      const reloaded = browser.requests.filter((r) => r.url.endsWith(other));
      assert.equal(reloaded.at(-1)?.status, 200, 'the retry carried a fresh token');
      await page.evaluate(() => window.vjs.play());
      const at = await page.evaluate(() => window.position());
      await playedPast(page, at + 6, 60_000);
      const log = await page.evaluate(() => window.log);
      assert.deepEqual(log.sdkErrors, [], 'the refusal was healed, not surfaced');
      assert.ok(!log.engineErrors.some((e) => e.startsWith('error')), `no fatal Video.js error: ${log.engineErrors}`);
      assert.ok(log.refreshed > mintsBefore, 'the refusal made the player mint');
      assert.equal(keyRequests(browser, stack).length, 1, 'the key stayed cached');
      const engineSaw = log.engineStatuses.filter((s) => s === 401 || s === 403).length;
      assert.equal(engineSaw, 1, 'VHS saw exactly one refusal');
      figures.videojsHealing = { engineSaw, playlistLoads: reloaded.map((r) => r.status) };
      console.log(`videojs healing: VHS saw ${engineSaw} refusal, the other rendition's playlist answered ${reloaded.map((r) => r.status)}, playback continued past ${(at + 6).toFixed(1)} s`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('videojs: a wrong AES key stalls VHS (negative control); free() then dispose() is clean', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/videojs', { wrongKey: true });
    try {
      const { page } = browser;
      await page.waitForFunction(() => window.log.engineErrors.length > 0 || window.position() > 2, null, { timeout: 30_000, polling: 250 })
        .catch(() => {});
      await page.waitForTimeout(3000);
      const position = await page.evaluate(() => window.position());
      assert.ok(position < 1, `a wrong key must not play (position ${position})`);
      // Teardown, the player freed first (dispose first is the next test).
      await page.evaluate(async () => {
        window.player.free();
        window.vjs.dispose();
      });
      assert.deepEqual(browser.errors.filter((e) => !/MEDIA_ERR|decode|media/i.test(e)), []);
      console.log(`videojs wrong key: position ${position}, engine: ${JSON.stringify(await page.evaluate(() => window.log.engineErrors))}`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('videojs: dispose first, then free: nothing throws and no request follows', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/videojs');
    try {
      const { page } = browser;
      await playedPast(page, 2);
      await page.evaluate(() => {
        window.vjs.dispose();
        window.player.free();
      });
      const count = browser.requests.length;
      await page.waitForTimeout(TTL * 1000);
      assert.equal(browser.requests.length, count, 'no request after teardown (no keep-warm mint either)');
      assert.deepEqual(browser.errors, []);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('vidstack: its hls.js provider with createHlsConfig plays the encrypted demo past 3 token lifetimes on one mint, key fetched once, no 401/403', { timeout: 150_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/vidstack');
    try {
      const { page } = browser;
      await playedPast(page, 3 * TTL + 1);
      const log = await page.evaluate(() => window.log);
      assert.equal(browser.navigations(), 1, 'no reload');
      assert.deepEqual(refusals(browser, stack), [], 'no API answer was a 401/403');
      assert.deepEqual(log.engineErrors.filter((e) => e.fatal || e.code === 401 || e.code === 403), [], 'no fatal hls.js error, no 401/403 reached hls.js');
      assert.deepEqual(log.sdkErrors, []);
      const keys = keyRequests(browser, stack);
      assert.equal(keys.length, 1, 'the key was fetched once');
      const journal = await stack.journal();
      const mints = journal.filter((r) => r.route === MINT_ROUTE && r.status === 200).length;
      assert.equal(mints, 1, 'one mint plays the VOD (the SDK prefetches playlists and key)');
      assert.equal(mints, log.refreshed);
      assert.deepEqual(browser.errors, []);
      figures.vidstack = { mints, keyRequests: keys.length, passed: true };
      console.log(`vidstack: ${mints} mint, ${keys.length} key request, played past ${3 * TTL + 1} s`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });

  test('vidstack: a wrong AES key stalls hls.js (negative control)', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openAndPlay(stack, '/vidstack', { wrongKey: true });
    try {
      const { page } = browser;
      await page.waitForFunction(() => window.log.engineErrors.length > 0, null, { timeout: 30_000, polling: 250 });
      await page.waitForTimeout(2000);
      const position = await page.evaluate(() => window.position());
      assert.ok(position < 1, `a wrong key must not play (position ${position})`);
      const details = new Set((await page.evaluate(() => window.log.engineErrors)).map((e) => e.details));
      assert.ok(details.has('fragParsingError'), `hls.js could not parse what it decrypted: ${[...details]}`);
      console.log(`vidstack wrong key: position ${position}, hls.js: ${[...details]}`);
    } finally {
      await browser.close();
      await stack.stop();
    }
  });
});

process.on('exit', () => console.log('videojs/vidstack figures:', JSON.stringify(figures)));
