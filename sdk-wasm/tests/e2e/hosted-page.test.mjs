// The hosted player page (`playerUrl`, docs/api.md §8) in Chromium: server-reference serves the
// page, the Player SDK and hls.js; the page holds only its URL's token and plays the encrypted
// demo past 3 × the token TTL on it, showing the token state, the position and any error.
// Needs ANSDEV_SERVER_BIN (scripts/test-wasm.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mint, openUrl, startServer } from './harness.mjs';

const TTL = 10;
const ENCRYPTED = 'vid_demo_encrypted';

let api;
const figures = {};

before(async () => {
  api = await startServer(['--dev', '--token-ttl-seconds', String(TTL)]);
});

after(() => {
  api?.stop();
  console.log('hosted page figures:', JSON.stringify(figures));
});

const text = (page, id) => page.evaluate((i) => document.getElementById(i).textContent, id);

/** Width, height, and whether the IHDR/IDAT/IEND chunks are there. */
function pngInfo(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return {
    isPng: bytes.subarray(0, 8).equals(signature) && bytes.toString('latin1', 12, 16) === 'IHDR',
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    hasData: bytes.includes(Buffer.from('IDAT')) && bytes.includes(Buffer.from('IEND')),
  };
}

test('the hosted page plays the encrypted demo past 3 × the TTL on its URL token and shows the token state', { timeout: 120_000 }, async () => {
  const minted = await mint(api, ENCRYPTED);
  assert.equal(minted.expiresIn, TTL);
  const browser = await openUrl(minted.playerUrl);
  try {
    assert.equal(browser.response.status(), 200);
    const { page } = browser;
    // The token's life is shown from the start and counts down.
    const first = await text(page, 'ansdev-expires-in');
    assert.match(first, /^\d+ s$/);
    assert.ok(Number.parseInt(first, 10) <= TTL, first);
    await page.waitForFunction(
      (start) => {
        const now = document.getElementById('ansdev-expires-in').textContent;
        return /^\d+ s$/.test(now) && Number.parseInt(now, 10) < Number.parseInt(start, 10);
      },
      first,
      { timeout: 5_000, polling: 100 },
    );
    await page.waitForFunction((limit) => document.getElementById('ansdev-video').currentTime > limit, 3 * TTL, {
      timeout: 100_000,
      polling: 500,
    });
    const state = await page.evaluate(() => ({ ...document.getElementById('ansdev-player').dataset }));
    assert.equal(state.state, 'playing', JSON.stringify(state));
    assert.equal(state.error, undefined, `error shown: ${state.error}`);
    assert.equal(await text(page, 'ansdev-error'), 'none');
    assert.equal(await text(page, 'ansdev-refresh-count'), '0', 'no refresh: one token played it all');
    assert.match(await text(page, 'ansdev-expires-in'), /^expired/, 'the token is past its life and the video plays on');
    assert.match(await text(page, 'ansdev-quota'), /^999 of 1000 mints left today \(key ak_live_[0-9a-f]{4}\)$/);
    assert.match(await text(page, 'ansdev-position'), /^\d+\.\d s \/ \d+\.\d s$/);
    assert.equal(browser.navigations(), 1, 'no reload');
    assert.deepEqual(browser.requests.filter((r) => r.status >= 400).map((r) => `${r.status} ${new URL(r.url).pathname.split('/').slice(0, 5).join('/')}`), []);
    const keyRequests = browser.requests.filter((r) => r.url.includes('/playback/key/'));
    assert.equal(keyRequests.length, 1, 'the key was fetched once');
    // Every token-bearing request carried the URL's token.
    const tokenized = browser.requests.filter((r) => r.url.includes('/v1/video/playback/'));
    assert.ok(tokenized.length >= 4, 'master, two playlists, key');
    assert.ok(tokenized.every((r) => r.url.includes(minted.token)));
    assert.deepEqual(browser.errors, [], 'no console errors');

    const dir = await mkdtemp(join(tmpdir(), 'ansdev-shot-'));
    const file = join(dir, 'hosted-player.png');
    try {
      await page.screenshot({ path: file, fullPage: true });
      const bytes = await readFile(file);
      const png = pngInfo(bytes);
      assert.ok(png.isPng && png.hasData, 'a PNG');
      assert.ok(png.width >= 600 && png.height >= 400, `${png.width}×${png.height}`);
      assert.ok(bytes.length > 20_000, `${bytes.length} bytes: more than a blank page`);
      figures.screenshot = { width: png.width, height: png.height, bytes: bytes.length };
      if (process.env.E2E_KEEP_SCREENSHOT) {
        const { copyFile } = await import('node:fs/promises');
        await copyFile(file, process.env.E2E_KEEP_SCREENSHOT);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    figures.position = Number(state.position);
    figures.expiresIn = await text(page, 'ansdev-expires-in');
    figures.quota = await text(page, 'ansdev-quota');
  } finally {
    await browser.close();
  }
});

test('a page opened with an expired token shows PLAYBACK_TOKEN_EXPIRED', { timeout: 60_000 }, async () => {
  const minted = await mint(api, ENCRYPTED);
  await fetch(`${api.base}/dev/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: TTL + 1 }),
  });
  const browser = await openUrl(minted.playerUrl);
  try {
    assert.equal(browser.response.status(), 401);
    const { page } = browser;
    assert.equal(await text(page, 'ansdev-error'), 'PLAYBACK_TOKEN_EXPIRED');
    assert.equal(await page.evaluate(() => document.getElementById('ansdev-player').dataset.state), 'PLAYBACK_TOKEN_EXPIRED');
    assert.equal(await text(page, 'ansdev-expires-in'), 'expired');
    assert.ok(await page.isVisible('.error-box'), 'the error is visible');
    assert.match(await page.innerText('.error-box'), /PLAYBACK_TOKEN_EXPIRED/);
  } finally {
    await browser.close();
  }
});
