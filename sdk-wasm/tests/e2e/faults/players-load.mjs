// Browser load: `players` SDK players (hls.js integration, default prefetch) in one Chromium, one
// browser context each, against one server-reference, every one playing the encrypted demo past
// `seconds`. Mints and key deliveries are counted exactly in the journal, and the quota the
// server reports afterwards is exactly what they spent.
//   node sdk-wasm/tests/e2e/faults/players-load.mjs [PLAYERS] [SECONDS]   (scripts/load.sh)
// The fault suites' load test runs a small version of it in CI.
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

import { chromium } from 'playwright-core';

import { ENCRYPTED, counts, jobIdOf, startApi, startProviderSite } from './fault-harness.mjs';

/** Delay between two players' starts. */
const STAGGER_MS = 500;

/** Plays `players` players at once; returns the figures (asserts every one played through). */
export async function playersPlayThrough(players, seconds) {
  const api = await startApi();
  const site = await startProviderSite(api);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
      // Many players in one process: nothing may be throttled as a background page.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  try {
    const jobId = await jobIdOf(api, ENCRYPTED);
    const started = Date.now();
    const contexts = [];
    const positions = await Promise.all(
      Array.from({ length: players }, async (_, i) => {
        // Started 0.5 s apart (50 page loads at once on 2 cores time out), and all kept open
        // until the last has played through, so every player is playing at the same time.
        await new Promise((resolve) => setTimeout(resolve, i * STAGGER_MS));
        const context = await browser.newContext({ viewport: { width: 320, height: 240 } });
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(site.origin + '/', { timeout: 240_000 });
        await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 240_000 });
        await page.evaluate((args) => window.playWithSdk(args), { baseUrl: api.base, jobId, videoId: ENCRYPTED, prefetch: true });
        await page.waitForFunction((s) => document.querySelector('video').currentTime > s, seconds, {
          timeout: 240_000,
          polling: 500,
        });
        const played = await page.evaluate(() => ({
          position: document.querySelector('video').currentTime,
          fatal: window.log.hlsErrors.filter((e) => e.fatal).length,
          refusedToHls: window.log.hlsErrors.filter((e) => e.code === 401 || e.code === 403).length,
          errors: window.log.events.filter((e) => e.name === 'error').length,
        }));
        assert.equal(played.refusedToHls, 0, 'no 401/403 reached hls.js');
        assert.equal(played.fatal, 0, 'no fatal hls.js error');
        assert.equal(played.errors, 0, 'no SDK error event');
        return played.position;
      }),
    );
    const tookMs = Date.now() - started;
    await Promise.all(contexts.map((c) => c.close()));
    const seen = await counts(api);
    // One mint and one key delivery per player (prefetch: one token plays a VOD), plus one heal
    // per refused token: on an overloaded machine a page may present a token after its 10 s life
    // (the SDK then re-mints once; hls.js never sees the 401).
    assert.ok(seen.mints >= players && seen.mints <= players + seen.refused, `${seen.mints} mints for ${players} players, ${seen.refused} refusals healed`);
    assert.equal(seen.mintFailures, 0);
    assert.ok(seen.keys >= players && seen.keys <= players + seen.refused, `${seen.keys} key deliveries for ${players} players`);
    // The quota the server reports next is exactly what the journal counted (1000 a day).
    const next = await fetch(`${api.base}/v1/video/${ENCRYPTED}/playback-token`, {
      method: 'POST',
      headers: { 'x-ansdev-key': api.apiKey },
    });
    assert.equal(Number(next.headers.get('x-ratelimit-remaining')), 1000 - seen.mints - 1);
    return { players, seconds, tookMs, minPosition: Math.min(...positions), ...seen };
  } finally {
    await browser.close();
    await site.stop();
    api.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const players = Number(process.argv[2] ?? 50);
  const seconds = Number(process.argv[3] ?? 10);
  const figures = await playersPlayThrough(players, seconds);
  console.log(`browser load: ${JSON.stringify(figures)}`);
}
