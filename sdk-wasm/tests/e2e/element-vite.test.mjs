// `<ansdev-player>` in an app built with Vite, the way a user's project has it: `@ansdev/player`
// and `hls.js` installed in its node_modules (links to this package and its hls.js), one
// `import '@ansdev/player/element'`, no configuration. `vite build` must resolve the package's
// exports, emit the wasm, and the built page must play the encrypted demo in Chromium on tokens
// from its backend (`GET /playback-token/{id}` → `{ token, expiresIn, jobId }`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { openUrl, startServer } from './harness.mjs';

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>Vite app</title>
<link rel="icon" href="data:,">
<ansdev-player id="player" video-id="vid_demo_encrypted" token-endpoint="/playback-token" muted autoplay playsinline></ansdev-player>
<script type="module" src="./main.js"></script>
`;
// The app's whole player code. The API base comes from the page's query in this test only.
const MAIN_JS = `import '@ansdev/player/element';
const player = document.getElementById('player');
player.setAttribute('base-url', new URLSearchParams(location.search).get('api'));
player.addEventListener('ansdev-error', (e) => (window.ansdevError = e.detail.code));
`;

/** A Vite project in a temporary directory, built; resolves to its `dist` directory. */
async function buildApp() {
  const root = await mkdtemp(join(tmpdir(), 'ansdev-vite-'));
  await mkdir(join(root, 'node_modules', '@ansdev'), { recursive: true });
  await symlink(PACKAGE, join(root, 'node_modules', '@ansdev', 'player'), 'dir');
  await symlink(join(PACKAGE, 'node_modules', 'hls.js'), join(root, 'node_modules', 'hls.js'), 'dir');
  await writeFile(join(root, 'index.html'), INDEX_HTML);
  await writeFile(join(root, 'main.js'), MAIN_JS);
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'vite-app', private: true, type: 'module' }));
  const vite = join(PACKAGE, 'node_modules', '.bin', 'vite');
  await promisify(execFile)(vite, ['build', '--logLevel', 'warn'], { cwd: root });
  return { root, dist: join(root, 'dist') };
}

/** The app's site: the built files, and its token endpoint minting with the demo key. */
async function serveApp(dist, api) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    try {
      const minting = /^\/playback-token\/([\w.~-]+)$/.exec(url.pathname);
      if (minting) {
        const headers = { 'x-ansdev-key': api.apiKey };
        const video = await (await fetch(`${api.base}/v1/video/${minting[1]}`, { headers })).json();
        const minted = await (await fetch(`${api.base}/v1/video/${minting[1]}/playback-token`, { method: 'POST', headers })).json();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: minted.data.token, expiresIn: minted.data.expiresIn, jobId: video.data.jobId }));
        return;
      }
      const path = join(dist, normalize(url.pathname === '/' ? '/index.html' : url.pathname));
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

test('element: a Vite build with one import and no configuration plays the encrypted demo', { timeout: 120_000 }, async () => {
  const { root, dist } = await buildApp();
  const api = await startServer(['--dev', '--token-ttl-seconds', '10']);
  const site = await serveApp(dist, api);
  const browser = await openUrl(`${site.origin}/?api=${encodeURIComponent(api.base)}`);
  try {
    const { page } = browser;
    await page.waitForFunction(() => (document.getElementById('player')?.currentTime ?? 0) > 3, null, { timeout: 60_000, polling: 250 });
    assert.equal(await page.evaluate(() => window.ansdevError ?? null), null);
    assert.ok(browser.requests.some((r) => r.url.endsWith('.wasm') && r.url.startsWith(site.origin) && r.status === 200), 'Vite emitted and served the wasm');
    assert.ok(browser.requests.some((r) => r.url.includes('/v1/video/playback/key/') && r.status === 200), 'the key came from the token route');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    await site.stop();
    api.stop();
    await rm(root, { recursive: true, force: true });
  }
});
