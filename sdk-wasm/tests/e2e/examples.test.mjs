// The browser examples, run against server-reference in Chromium: the Rust backend
// (examples/src/bin/player-backend.rs) with its own page and with the plain HTML page
// (examples/browser/index.html). Both play the encrypted demo on tokens from the backend, and
// no request from the page carries the API key. Needs ANSDEV_SERVER_BIN and
// ANSDEV_PLAYER_BACKEND_BIN (scripts/test-wasm.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { openUrl, startBackend, startServer } from './harness.mjs';

const TTL = 10;

let api;
let backend;

before(async () => {
  api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
  backend = await startBackend(api);
});

after(() => {
  backend?.stop();
  api?.stop();
});

async function playsWithoutTheKey(path) {
  const browser = await openUrl(backend.base + path);
  try {
    const { page } = browser;
    // Past one token's life: the backend's token endpoint keeps the page supplied.
    await page.waitForFunction((limit) => document.getElementById('video').currentTime > limit, TTL + 2, {
      timeout: 60_000,
      polling: 250,
    });
    assert.equal(await page.evaluate(() => document.getElementById('error').textContent), 'none');
    const tokenRequests = browser.requests.filter((r) => r.url.startsWith(`${backend.base}/playback-token/`));
    assert.ok(tokenRequests.length >= 1, 'tokens came from the backend');
    assert.ok(tokenRequests.every((r) => r.status === 200));
    assert.ok(browser.requests.some((r) => r.url.includes('/v1/video/playback/key/') && r.status === 200), 'the key was fetched');
    assert.ok(browser.requests.length > 5);
    for (const request of browser.requests) {
      assert.equal(request.headers['x-ansdev-key'], undefined, `x-ansdev-key sent to ${new URL(request.url).pathname}`);
      assert.ok(!request.url.includes(api.apiKey));
    }
    assert.ok(!(await page.content()).includes(api.apiKey.slice(8)), 'the key is not in the page');
    assert.deepEqual(browser.errors, []);
    assert.ok(!backend.output.join('\n').includes(api.apiKey.slice(8)), 'the backend never printed the key');
  } finally {
    await browser.close();
  }
}

test('player-backend example: its page plays the encrypted demo on tokens from the Rust token endpoint, no key in the browser', { timeout: 90_000 }, async () => {
  await playsWithoutTheKey('/');
});

test('plain HTML example (examples/browser/index.html): plays the encrypted demo with the npm package in token-provider mode', { timeout: 90_000 }, async () => {
  await playsWithoutTheKey('/browser/');
});
