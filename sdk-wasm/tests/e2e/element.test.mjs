// `<ansdev-player>` in Chromium: the plain page of examples/browser/element.html (an import map,
// no build step) served by the player-backend example, whose `TokenEndpoint` answers
// `{ token, expiresIn, jobId }`. Each test runs its own server-reference (`--dev`, 10 s tokens)
// and backend, so the tests run concurrently and each counts its own mints in the server's
// request journal. Needs ANSDEV_SERVER_BIN and ANSDEV_PLAYER_BACKEND_BIN (scripts/test-wasm.sh).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { openUrl, startBackend, startServer } from './harness.mjs';

const TTL = 10;
const ENCRYPTED = 'vid_demo_encrypted';
const PLAIN = 'vid_demo_plain';
const MINT_ROUTE = '/v1/video/{video_id}/playback-token';
const KEY_ROUTE = '/v1/video/playback/key/{token}/{job_id}';
const MEDIA_ROUTE = '/v1/video/playback/manifest/{token}/{job_id}/{rendition}/index.m3u8';
const SEGMENT_ROUTE = '/cdn/{job_id}/{rendition}/{chunk}';

/** server-reference plus the player-backend example publishing both demo videos. */
async function startStack() {
  const api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
  const backend = await startBackend(api, { ANSDEV_VIDEO: `${ENCRYPTED},${PLAIN}` });
  const base = backend.base;
  return {
    api,
    base,
    /** The server's journal entries, oldest first. */
    async journal() {
      const answer = await fetch(`${api.base}/dev/requests`);
      return /** @type {{ route: string, status: number, videoId?: string }[]} */ ((await answer.json()).requests);
    },
    stop() {
      backend.stop();
      api.stop();
    },
  };
}

/** Opens the element page (optionally with `?video=`) and records every `ansdev-*` event. */
async function openElementPage(stack, video) {
  const browser = await openUrl(`${stack.base}/element/${video ? `?video=${video}` : ''}`);
  await browser.page.evaluate(() => {
    window.ansdevEvents = [];
    for (const type of ['ansdev-error', 'ansdev-token-refreshed', 'ansdev-quota-low']) {
      document.addEventListener(type, (e) => window.ansdevEvents.push({ type, target: e.target.id, code: e.detail?.code ?? null }));
    }
  });
  return browser;
}

/** Waits until the element `selector` has played past `seconds`. */
function playedPast(page, selector, seconds, timeout = 60_000) {
  return page.waitForFunction(
    ([sel, limit]) => (document.querySelector(sel)?.currentTime ?? 0) > limit,
    [selector, seconds],
    { timeout, polling: 250 },
  );
}

/**
 * Adds `<ansdev-player id="late">` for `video` (muted, no autoplay) once the page's own element
 * knows the API's address, with `attributes` on top.
 */
async function addElement(page, video, attributes) {
  await page.waitForFunction(() => document.getElementById('player').hasAttribute('base-url'));
  await page.evaluate(() => customElements.whenDefined('ansdev-player'));
  await page.evaluate(([id, extra]) => {
    const element = document.createElement('ansdev-player');
    element.id = 'late';
    const base = document.getElementById('player').getAttribute('base-url');
    for (const [name, value] of [['token-endpoint', '/playback-token'], ['muted', ''], ['base-url', base], ...Object.entries(extra)]) {
      element.setAttribute(name, value);
    }
    element.setAttribute('video-id', id);
    document.body.append(element);
  }, [video, attributes]);
}

const apiRefusals = (browser, stack) =>
  browser.requests.filter((r) => r.url.startsWith(stack.api.base) && (r.status === 401 || r.status === 403));

// Three at a time: each has its own servers and browser; the longest plays 31 s.
describe('<ansdev-player>', { concurrency: 3 }, () => {
  test('element: a plain page with an import map plays the encrypted demo past 3 token lifetimes on one mint, the key fetched once from the token route, no 401/403', { timeout: 120_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack);
    try {
      const { page } = browser;
      await playedPast(page, '#player', 3 * TTL + 1, 90_000);
      const navigations = browser.navigations();
      assert.equal(navigations, 1, 'no reload');
      assert.deepEqual(apiRefusals(browser, stack), [], 'no 401/403 reached the engine');
      const journal = await stack.journal();
      const mints = journal.filter((r) => r.route === MINT_ROUTE && r.status === 200);
      assert.equal(mints.length, 1, `one mint plays the VOD with prefetch: ${JSON.stringify(mints)}`);
      const keys = journal.filter((r) => r.route === KEY_ROUTE);
      assert.equal(keys.length, 1, 'the key was fetched once');
      assert.equal(keys[0]?.status, 200);
      const keyLoads = browser.requests.filter((r) => /\/key\//.test(new URL(r.url).pathname));
      assert.ok(keyLoads.every((r) => r.url.startsWith(`${stack.api.base}/v1/video/playback/key/`)), 'keys only from the token route');
      assert.deepEqual(await page.evaluate(() => window.ansdevEvents.filter((e) => e.type === 'ansdev-error')), []);
      assert.deepEqual(browser.errors, []);
      for (const request of browser.requests) {
        assert.equal(request.headers['x-ansdev-key'], undefined, 'the API key never reaches the page');
      }
      console.log(`element: 1 element, ${mints.length} mint, ${keys.length} key request over ${3 * TTL + 1} s played`);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: two elements on one page play side by side, each on its own token', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, PLAIN);
    try {
      const { page } = browser;
      // The page learns the API's address from its backend, then defines the element: wait for
      // both before copying the address (copying it earlier gave the second element no base URL).
      await page.waitForFunction(() => document.getElementById('player').hasAttribute('base-url'));
      await page.evaluate(() => customElements.whenDefined('ansdev-player'));
      await page.evaluate((id) => {
        const second = document.createElement('ansdev-player');
        second.id = 'second';
        for (const [name, value] of [['token-endpoint', '/playback-token'], ['muted', ''], ['autoplay', '']]) second.setAttribute(name, value);
        second.setAttribute('base-url', document.getElementById('player').getAttribute('base-url'));
        second.setAttribute('video-id', id);
        document.body.append(second);
      }, ENCRYPTED);
      await playedPast(page, '#player', 3);
      await playedPast(page, '#second', 3);
      const videos = await page.evaluate(() => [...document.querySelectorAll('ansdev-player')].map((e) => e.player?.videoId));
      assert.deepEqual(videos, [PLAIN, ENCRYPTED]);
      const mints = (await stack.journal()).filter((r) => r.route === MINT_ROUTE && r.status === 200);
      // The token endpoint mints by job id: two distinct ids, one mint each.
      assert.equal(new Set(mints.map((m) => m.videoId)).size, 2, `one mint each: ${JSON.stringify(mints)}`);
      assert.equal(mints.length, 2);
      assert.deepEqual(apiRefusals(browser, stack), []);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: changing video-id switches video, freeing the old player', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, PLAIN);
    try {
      const { page } = browser;
      await playedPast(page, '#player', 2);
      await page.evaluate((id) => {
        const element = document.getElementById('player');
        window.oldPlayer = element.player;
        element.setAttribute('video-id', id);
      }, ENCRYPTED);
      await page.waitForFunction((id) => document.getElementById('player').player?.videoId === id, ENCRYPTED, { timeout: 30_000 });
      await page.waitForFunction(() => document.getElementById('player').currentTime > 2, null, { timeout: 30_000, polling: 250 });
      const old = await page.evaluate(() => {
        try {
          return window.oldPlayer.videoId;
        } catch (error) {
          return error.code;
        }
      });
      assert.equal(old, 'PLAYER_FREED', 'the previous player was freed');
      const journal = await stack.journal();
      assert.ok(journal.some((r) => r.route === KEY_ROUTE && r.status === 200), 'the encrypted video fetched its key');
      assert.deepEqual(apiRefusals(browser, stack), []);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: removal tears playback down (no request after it), re-insertion plays again', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, PLAIN);
    try {
      const { page } = browser;
      await playedPast(page, '#player', 2);
      await page.evaluate(() => {
        window.parked = document.getElementById('player');
        window.parked.remove();
      });
      const afterRemoval = browser.requests.length;
      await page.waitForTimeout(3_000);
      assert.equal(await page.evaluate(() => window.parked.player), null, 'no player once removed');
      const late = browser.requests.slice(afterRemoval).filter((r) => r.url.startsWith(stack.api.base));
      assert.deepEqual(late.map((r) => new URL(r.url).pathname), [], 'nothing loads after removal');
      await page.evaluate(() => document.body.append(window.parked));
      await page.waitForFunction(() => window.parked.player !== null && window.parked.currentTime > 1, null, { timeout: 30_000, polling: 250 });
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: preload="metadata" mints and holds the playlists and the key before play, no segment, then plays on that one mint', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, 'vid_demo_unpublished');
    try {
      const { page } = browser;
      await addElement(page, ENCRYPTED, { preload: 'metadata' });
      const keyFetched = async () => (await stack.journal()).some((r) => r.route === KEY_ROUTE && r.status === 200);
      for (let i = 0; i < 80 && !(await keyFetched()); i += 1) await page.waitForTimeout(250);
      assert.ok(await keyFetched(), 'the key is fetched before play');
      await page.waitForTimeout(1_500);
      const before = await stack.journal();
      assert.ok(before.some((r) => r.route === MEDIA_ROUTE && r.status === 200), 'the media playlists are fetched before play');
      assert.deepEqual(before.filter((r) => r.route === SEGMENT_ROUTE), [], 'no segment before play');
      assert.equal(await page.evaluate(() => document.getElementById('late').paused), true);
      await page.evaluate(() => document.getElementById('late').play());
      await playedPast(page, '#late', 2, 30_000);
      const journal = await stack.journal();
      // The page's own element asks for an unpublished video: the backend refuses it without a
      // mint, so every mint is the new element's.
      const mints = journal.filter((r) => r.route === MINT_ROUTE && r.status === 200);
      assert.equal(mints.length, 1, `the preload's mint plays: ${JSON.stringify(mints)}`);
      assert.equal(journal.filter((r) => r.route === KEY_ROUTE).length, 1, 'the key was fetched once');
      assert.deepEqual(apiRefusals(browser, stack), []);
      assert.deepEqual(await page.evaluate(() => window.ansdevEvents.filter((e) => e.target === 'late' && e.type === 'ansdev-error')), []);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: preload="none" loads nothing until play, then plays', { timeout: 90_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, 'vid_demo_unpublished');
    try {
      const { page } = browser;
      const start = browser.requests.length;
      await addElement(page, ENCRYPTED, { preload: 'none' });
      await page.waitForTimeout(3_000);
      const early = browser.requests.slice(start).filter((r) => r.url.startsWith(stack.api.base) || r.url.includes(`/playback-token/${ENCRYPTED}`));
      assert.deepEqual(early.map((r) => r.url), [], 'no token and no API request before play');
      await page.evaluate(() => document.getElementById('late').play());
      await playedPast(page, '#late', 2, 30_000);
      const mints = (await stack.journal()).filter((r) => r.route === MINT_ROUTE && r.status === 200);
      assert.equal(mints.length, 1);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: a tokenProvider property relaying a low rateLimit gives ansdev-token-refreshed and ansdev-quota-low as DOM events; the page styles the inner video through ::part(video)', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, 'vid_demo_unpublished');
    try {
      const { page } = browser;
      await page.waitForFunction(() => document.getElementById('player').hasAttribute('base-url'));
      await page.evaluate(() => customElements.whenDefined('ansdev-player'));
      await page.evaluate((id) => {
        const element = document.createElement('ansdev-player');
        element.id = 'late';
        // An app minting its own way: the backend's answer, with a quota nearly spent.
        element.tokenProvider = async (videoId) => {
          const answer = await (await fetch(`/playback-token/${videoId}`)).json();
          return { ...answer, rateLimit: { limit: 1000, remaining: 12, resetAt: Math.floor(Date.now() / 1000) + 3600 } };
        };
        element.setAttribute('muted', '');
        element.setAttribute('autoplay', '');
        element.setAttribute('base-url', document.getElementById('player').getAttribute('base-url'));
        element.setAttribute('video-id', id);
        document.body.append(element);
      }, ENCRYPTED);
      await playedPast(page, '#late', 1, 30_000);
      const events = await page.evaluate(() => window.ansdevEvents.filter((e) => e.target === 'late').map((e) => e.type));
      assert.ok(events.includes('ansdev-token-refreshed'), `events: ${events}`);
      assert.ok(events.includes('ansdev-quota-low'), `events: ${events}`);
      assert.ok(!events.includes('ansdev-error'), `events: ${events}`);
      // examples/browser/element.html: `ansdev-player::part(video) { border-radius: 8px; }`.
      const radius = await page.evaluate(() => getComputedStyle(document.getElementById('late').media).borderTopLeftRadius);
      assert.equal(radius, '8px');
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element: a video the backend does not publish is one ansdev-error with the catalog code, and nothing plays', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openElementPage(stack, 'vid_demo_transcoding');
    try {
      const { page } = browser;
      await page.waitForFunction(() => window.ansdevEvents.length > 0, null, { timeout: 20_000 });
      await page.waitForTimeout(1_000);
      const events = await page.evaluate(() => window.ansdevEvents);
      assert.deepEqual(events, [{ type: 'ansdev-error', target: 'player', code: 'VIDEO_NOT_FOUND' }]);
      assert.equal(await page.evaluate(() => document.getElementById('player').player), null);
    } finally {
      await browser.close();
      stack.stop();
    }
  });

  test('element (negative control): a wrong AES key stalls playback', { timeout: 60_000 }, async () => {
    const stack = await startStack();
    const browser = await openUrl('about:blank');
    try {
      const { page } = browser;
      await page.route('**/v1/video/playback/key/**', (route) =>
        route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(16, 7) }),
      );
      await page.goto(`${stack.base}/element/`);
      await page.waitForTimeout(8_000);
      const position = await page.evaluate(() => document.getElementById('player').currentTime);
      assert.ok(position < 0.5, `with a wrong key nothing plays (position ${position})`);
    } finally {
      await browser.close();
      stack.stop();
    }
  });
});
