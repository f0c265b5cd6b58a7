// Shared by the fault suites: a server-reference per scenario (`--dev --token-ttl-seconds 10`:
// each scenario moves its own clock and arms its own faults, so scenarios run concurrently), an
// application site whose token backend can be taken down, the dev routes (faults, clock,
// journal), Chromium's CDP controls (offline, frozen page), and the assertions every scenario
// makes. Everything is observed from outside the SDK: the player's position, hls.js's error
// events, the browser's requests and the server's journal.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { openPage, openUrl, startServer } from '../harness.mjs';

export { openPage, openUrl };

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));

/** Token lifetime of every scenario: three lifetimes are 30 s of play. */
export const TTL = 10;
/** The position every scenario plays past: three token lifetimes and a second. */
export const PAST_THREE_TTLS = 3 * TTL + 1;
export const ENCRYPTED = 'vid_demo_encrypted';

export const MINT_ROUTE = '/v1/video/{video_id}/playback-token';
export const KEY_ROUTE = '/v1/video/playback/key/{token}/{job_id}';
export const COOKIE_KEY_ROUTE = '/video/key/{job_id}';

/** A server-reference of its own: `{ base, apiKey, stop }`. */
export const startApi = () => startServer(['--dev', '--token-ttl-seconds', String(TTL)]);

async function dev(api, method, path, body) {
  const answer = await fetch(`${api.base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(answer.ok, `${method} ${path}: ${answer.status}`);
  return answer.status === 204 ? null : answer.json();
}

/** Arms a `/dev/faults` rule, e.g. `{ route: 'key', status: 503, count: 2 }`. */
export const arm = (api, rule) => dev(api, 'POST', '/dev/faults', rule);

/** A burst on `route`: `count` 503s, then one connection reset mid-answer. */
export async function burst(api, route, count = 1) {
  await arm(api, { route, status: 503, count });
  await arm(api, { route, resetConnection: true });
}

/** Adds an API key of the demo user allowed `limit` mints a day; returns the key. */
export async function seedSmallKey(api, limit) {
  const key = 'ak_test_' + 'f'.repeat(31) + String(limit % 10);
  await dev(api, 'POST', '/dev/seed', {
    apiKeys: [{ id: `key_small_${limit}`, userId: 'user_demo', key, name: 'small', scopes: ['video:read'], dailyTokenLimit: limit }],
  });
  return key;
}

/** Moves the server clock by `seconds`. */
export const advanceClock = (api, seconds) => dev(api, 'POST', '/dev/clock', { advanceSeconds: seconds });

/** The request journal (route patterns and statuses, never tokens). */
export const journal = async (api) => (await dev(api, 'GET', '/dev/requests')).requests;

/** Empties the journal: a scenario counts only its own requests. */
export const clearJournal = (api) => dev(api, 'DELETE', '/dev/requests');

/** What the journal says about mints and key deliveries. */
export async function counts(api) {
  const entries = await journal(api);
  const of = (route, status) => entries.filter((e) => e.route === route && (status === undefined || e.status === status)).length;
  return {
    mints: of(MINT_ROUTE, 200),
    mintFailures: entries.filter((e) => e.route === MINT_ROUTE && e.status !== 200).length,
    keys: of(KEY_ROUTE, 200),
    cookieKeys: of(COOKIE_KEY_ROUTE),
    refused: entries.filter((e) => e.route.startsWith('/v1/video/playback/') && (e.status === 401 || e.status === 403)).length,
  };
}

/**
 * The application's site: the e2e test page, hls.js, the package, and `POST /token?video=…`,
 * which mints through the API with the demo key (or `site.apiKey`). `down(ms)` makes the token
 * backend answer 503 for that long (the provider fails, then recovers).
 */
export async function startProviderSite(api) {
  const site = { calls: 0, refusedCalls: 0, downUntil: 0 };
  site.down = (ms) => {
    site.downUntil = Date.now() + ms;
  };
  const files = {
    '/': join(PACKAGE, 'tests/e2e/page.html'),
    '/hls.mjs': join(PACKAGE, 'node_modules/hls.js/dist/hls.mjs'),
  };
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://site');
    try {
      if (url.pathname === '/token' && req.method === 'POST') {
        site.calls += 1;
        if (Date.now() < site.downUntil) {
          site.refusedCalls += 1;
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'INTERNAL_ERROR', message: 'token backend down' }));
          return;
        }
        const answer = await fetch(`${api.base}/v1/video/${url.searchParams.get('video')}/playback-token`, {
          method: 'POST',
          headers: { 'x-ansdev-key': site.apiKey ?? api.apiKey },
        }).catch(() => null);
        const body = answer ? await answer.json().catch(() => null) : null;
        if (!answer || !body) {
          // The mint's connection was reset or its body cut: the backend answers 502.
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'INTERNAL_ERROR', message: 'mint failed' }));
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body.success ? { token: body.data.token, expiresIn: body.data.expiresIn } : body.error));
        return;
      }
      let path = files[url.pathname];
      if (!path && /^\/(pkg|js)\/[\w.-]+$/.test(url.pathname)) path = join(PACKAGE, normalize(url.pathname));
      if (!path) {
        res.writeHead(404).end();
        return;
      }
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${server.address().port}`;
  site.stop = () => new Promise((resolve) => server.close(resolve));
  return site;
}

export async function jobIdOf(api, videoId) {
  const answer = await fetch(`${api.base}/v1/video/${videoId}`, { headers: { 'x-ansdev-key': api.apiKey } });
  return (await answer.json()).data.jobId;
}

/** The `<video>` of the e2e page or of the hosted page. */
export const position = (page) => page.evaluate(() => document.querySelector('video').currentTime);

/** Waits until the video is past `seconds` (generous timeout: a shared 2-core machine). */
export async function playPast(page, seconds, timeoutMs = 150_000) {
  await page.waitForFunction((s) => document.querySelector('video').currentTime > s, seconds, {
    timeout: timeoutMs,
    polling: 250,
  });
}

/** The CDP session of a page (offline network, page lifecycle). */
export async function cdpOf(browser) {
  return browser.page.context().newCDPSession(browser.page);
}

/** Cuts the page's network (`offline: true`) or restores it. */
export async function setOffline(cdp, offline) {
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}

/** Hides the page and freezes it (no timers, no tasks), or shows and resumes it. */
export async function setHidden(cdp, hidden) {
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
  await cdp.send('Page.setWebLifecycleState', { state: hidden ? 'frozen' : 'active' });
}

/** Starts the SDK's hls.js integration on the e2e page (token provider = the site). */
export async function playWithSdk(browser, api, { prefetch = true } = {}) {
  const jobId = await jobIdOf(api, ENCRYPTED);
  await browser.page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED, prefetch });
  return jobId;
}

/** Switches hls.js to another rendition (it then needs that rendition's media playlist). */
export async function switchRendition(page) {
  return page.evaluate(() => {
    const hls = window.hls;
    const from = hls.currentLevel;
    hls.nextLevel = hls.levels.findIndex((_, i) => i !== from);
    return from;
  });
}

/**
 * What every recovering scenario asserts: played past three lifetimes, no reload, no 401/403
 * (nor any fatal error) reached hls.js, the key only from the token route, no final SDK `error`,
 * and at most `maxMints` mints in the journal. Returns the figures for the report.
 */
export async function assertPlayedThrough(browser, api, { maxMints, jobId }) {
  const { page } = browser;
  const played = await position(page);
  assert.ok(played > PAST_THREE_TTLS, `played to ${played}`);
  assert.equal(browser.navigations(), 1, 'no page reload');
  const log = await page.evaluate(() => window.log);
  assert.deepEqual(log.hlsErrors.filter((e) => e.code === 401 || e.code === 403), [], 'no 401/403 reached hls.js');
  assert.deepEqual(log.hlsErrors.filter((e) => e.fatal), [], 'no fatal hls.js error');
  // A failed mint the SDK retries by itself is reported (`error` with `retryInMs`); none may be
  // final, and none may be a refused playback request.
  const errors = log.events.filter((e) => e.name === 'error');
  assert.deepEqual(errors.filter((e) => e.retryInMs === null || e.retryable !== true), [], 'no final SDK error event');
  const keyUrls = browser.requests.filter((r) => r.url.includes('/key/'));
  for (const request of keyUrls) {
    assert.match(new URL(request.url).pathname, new RegExp(`^/v1/video/playback/key/[^/]+/${jobId}$`), 'key only from the token route');
  }
  const seen = await counts(api);
  assert.equal(seen.cookieKeys, 0, 'the cookie key route was never used');
  assert.ok(seen.keys >= 1, 'the key was delivered through the token route');
  assert.ok(seen.mints >= 1 && seen.mints <= maxMints, `${seen.mints} mints (bound ${maxMints})`);
  return { position: Math.round(played * 10) / 10, ...seen, hlsErrors: log.hlsErrors.length, retriedMintErrors: errors.length };
}

/** Prints a scenario's figures in one line the report collects. */
export function figure(name, values) {
  console.log(`FAULT FIGURE ${name}: ${JSON.stringify(values)}`);
}

/** Mints through the API with the demo key and opens the hosted player page (`playerUrl`). */
export async function openHosted(api) {
  const answer = await fetch(`${api.base}/v1/video/${ENCRYPTED}/playback-token`, {
    method: 'POST',
    headers: { 'x-ansdev-key': api.apiKey },
  });
  const body = await answer.json();
  assert.ok(body.success, JSON.stringify(body.error));
  const browser = await openUrl(body.data.playerUrl);
  return { browser, minted: body.data };
}

/**
 * What every recovering hosted-page scenario asserts: played past three lifetimes on the URL's
 * one token (no refresh, one mint in the journal), no reload, no error shown, no request refused,
 * the key only from the token route.
 */
export async function assertHostedPlayedThrough(browser, api) {
  const { page } = browser;
  const played = await position(page);
  assert.ok(played > PAST_THREE_TTLS, `played to ${played}`);
  assert.equal(browser.navigations(), 1, 'no page reload');
  const state = await page.evaluate(() => ({ ...document.getElementById('ansdev-player').dataset }));
  assert.equal(state.error, undefined, `error shown: ${state.error}`);
  assert.equal(await page.evaluate(() => document.getElementById('ansdev-error').textContent), 'none');
  assert.equal(state.refreshCount, '0', 'one token played it all');
  assert.deepEqual(browser.requests.filter((r) => r.status === 401 || r.status === 403).map((r) => r.status), [], 'nothing refused');
  const seen = await counts(api);
  assert.equal(seen.cookieKeys, 0, 'the cookie key route was never used');
  assert.ok(seen.keys >= 1, 'the key was delivered through the token route');
  assert.equal(seen.mints, 1, 'the one mint behind the URL');
  return { position: Math.round(played * 10) / 10, ...seen };
}
