// End-to-end harness: a server-reference process, a small site serving the test page, hls.js
// and the package (plus a token backend minting with the demo key, as an app's backend would),
// and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));

/** Starts server-reference (`ANSDEV_SERVER_BIN`) with `args`; resolves once it printed its URL and demo key. */
export async function startServer(args) {
  const bin = process.env.ANSDEV_SERVER_BIN;
  if (!bin) throw new Error('set ANSDEV_SERVER_BIN to the server-reference binary');
  const child = spawn(bin, ['--addr', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', process.env.E2E_VERBOSE ? 'inherit' : 'ignore'],
    // The hosted player page serves the package built in this checkout.
    env: { ...process.env, ANSDEV_PLAYER_ASSETS: process.env.ANSDEV_PLAYER_ASSETS ?? PACKAGE },
  });
  const lines = createInterface({ input: child.stdout });
  const found = {};
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server-reference exited with ${code}`)));
    lines.on('line', (line) => {
      const listening = /^listening on (http:\/\/\S+)$/.exec(line);
      if (listening) found.base = listening[1];
      const key = /^demo api key: (\S+)$/.exec(line);
      if (key) found.apiKey = key[1];
      if (found.base && found.apiKey) resolve();
    });
  });
  return { ...found, stop: () => child.kill('SIGTERM') };
}

/**
 * Starts the player-backend example (`ANSDEV_PLAYER_BACKEND_BIN`) against `api`, with `env` on
 * top (e.g. `ANSDEV_VIDEO`); resolves once it printed its URL. `output` keeps its stdout lines.
 */
export async function startBackend(api, env = {}) {
  const bin = process.env.ANSDEV_PLAYER_BACKEND_BIN;
  if (!bin) throw new Error('set ANSDEV_PLAYER_BACKEND_BIN to the player-backend example binary');
  const child = spawn(bin, [], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ANSDEV_BASE_URL: api.base,
      ANSDEV_API_KEY: api.apiKey,
      ANSDEV_BACKEND_ADDR: '127.0.0.1:0',
      ANSDEV_PLAYER_ASSETS: PACKAGE,
      ...env,
    },
  });
  const output = [];
  const base = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`player-backend exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const listening = /^listening on (http:\/\/\S+)$/.exec(line);
      if (listening) resolve(listening[1]);
    });
  });
  return { base, output, stop: () => child.kill('SIGTERM') };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * The application's site: the test page, hls.js, the package, and `POST /token?video=…`, which
 * mints through the API with the demo key (the key never reaches the page). `mints` counts them.
 */
export async function startSite(api) {
  const site = { mints: 0 };
  const files = {
    '/': join(PACKAGE, 'tests/e2e/page.html'),
    '/hls.mjs': join(PACKAGE, 'node_modules/hls.js/dist/hls.mjs'),
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://site');
    try {
      if (url.pathname === '/token' && req.method === 'POST') {
        site.mints += 1;
        const answer = await fetch(`${api.base}/v1/video/${url.searchParams.get('video')}/playback-token`, {
          method: 'POST',
          headers: { 'x-ansdev-key': api.apiKey },
        });
        const body = await answer.json();
        if (site.expireNextMint && body.success) {
          // The server's clock jumps past the token's life: the page gets a token that is
          // already expired, as after a long pause or a sleeping laptop.
          site.expireNextMint = false;
          await fetch(`${api.base}/dev/clock`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ advanceSeconds: body.data.expiresIn + 5 }),
          });
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
      const type = TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
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

/**
 * A fresh Chromium profile (cold caches) at `url`, every response recorded (with the request
 * headers that were sent).
 */
export async function openUrl(url) {
  const profile = await mkdtemp(join(tmpdir(), 'ansdev-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 760 },
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const errors = [];
  page.on('response', (response) =>
    requests.push({ url: response.url(), status: response.status(), headers: response.request().headers() }),
  );
  page.on('pageerror', (error) => {
    errors.push(error.message);
    console.error('page error:', error.message);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  const response = await page.goto(url);
  return {
    page,
    response,
    requests,
    errors,
    navigations: () => navigations,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The harness page of `site` in a fresh profile, ready to play. */
export async function openPage(site) {
  const browser = await openUrl(site.origin + '/');
  await browser.page.waitForFunction(() => window.harnessReady === true);
  return browser;
}

/** Mints a playback token through the API with the demo key: `{ token, expiresIn, playerUrl }`. */
export async function mint(api, videoId) {
  const answer = await fetch(`${api.base}/v1/video/${videoId}/playback-token`, {
    method: 'POST',
    headers: { 'x-ansdev-key': api.apiKey },
  });
  const body = await answer.json();
  if (!body.success) throw new Error(`mint refused: ${JSON.stringify(body.error)}`);
  return body.data;
}
