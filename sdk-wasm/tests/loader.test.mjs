// The built package under Node: the hls.js loader against a scripted stand-in for hls.js's
// default loader (no browser needed). Run after scripts/build-wasm.sh:
//   node --test sdk-wasm/tests/loader.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import init, { AnsdevError, AnsdevPlayer, attach, createHlsConfig } from '../js/index.js';

const BASE = 'http://127.0.0.1:8787';
const wasm = await readFile(new URL('../pkg/ansdev_player_bg.wasm', import.meta.url));
await init({ module_or_path: wasm });

const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:6',
  '#EXT-X-KEY:METHOD=AES-128,URI="/video/key/job_1"',
  '#EXTINF:6.0,',
  `${BASE}/cdn/job_1/720p/chunk_0000.ts`,
  '#EXT-X-ENDLIST',
  '',
].join('\n');

const EXPIRED = JSON.stringify({
  success: false,
  error: { code: 'PLAYBACK_TOKEN_EXPIRED', message: 'Playback token expired.', status: 401 },
});

/** A stand-in for hls.js: `DefaultConfig.loader` answers from `script(url)`. */
function fakeHls(script) {
  const seen = [];
  class DefaultLoader {
    constructor() {
      this.stats = { loading: { start: 0 } };
      this.context = null;
    }
    load(context, _config, callbacks) {
      assert.equal(this.stats.loading.start, 0, 'a loader instance serves one request');
      this.stats.loading.start = 1;
      this.context = context;
      seen.push(context.url);
      const answer = script(context.url);
      queueMicrotask(() => {
        if (answer.status >= 200 && answer.status < 300) {
          callbacks.onSuccess({ url: context.url, data: answer.data, code: answer.status }, this.stats, context, null);
        } else {
          callbacks.onError({ code: answer.status, text: 'refused' }, context, answer.details ?? null, this.stats);
        }
      });
    }
    abort() {}
    destroy() {}
  }
  return { Hls: { DefaultConfig: { loader: DefaultLoader } }, seen };
}

function load(Loader, context) {
  return new Promise((resolve) => {
    const loader = new Loader({});
    loader.load(context, { timeout: 1000 }, {
      onSuccess: (response, stats, ctx) => resolve({ ok: true, response, ctx }),
      onError: (error, ctx) => resolve({ ok: false, error, ctx }),
      onTimeout: (_stats, ctx) => resolve({ ok: false, timeout: true, ctx }),
    });
  });
}

function playerWith(tokens) {
  const minted = [];
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    jobId: 'job_1',
    videoId: 'vid_1',
    tokenProvider: async (videoId) => {
      minted.push(videoId);
      return { token: tokens[minted.length - 1], expiresIn: 300 };
    },
  });
  return { player, minted };
}

test('playlists get the current token and keys map to the JWT route with hls.js context kept', async () => {
  const { player, minted } = playerWith(['tokA']);
  const { Hls, seen } = fakeHls((url) =>
    url.includes('/key/') ? { status: 200, data: new ArrayBuffer(16) } : { status: 200, data: MEDIA },
  );
  const { loader: Loader } = createHlsConfig(player, Hls);

  const levelContext = { type: 'level', url: `${BASE}/v1/video/playback/manifest/stale/job_1/720p/index.m3u8` };
  const level = await load(Loader, levelContext);
  assert.ok(level.ok);
  assert.equal(seen[0], `${BASE}/v1/video/playback/manifest/tokA/job_1/720p/index.m3u8`);
  assert.equal(level.ctx, levelContext, 'hls.js gets its own context back');
  assert.match(level.response.data, /URI="ansdev-key:\/\/job_1"/);
  assert.doesNotMatch(level.response.data, /\/video\/key\//);

  const keyContext = { type: 'key', url: 'ansdev-key://job_1', responseType: 'arraybuffer', keyInfo: {} };
  const key = await load(Loader, keyContext);
  assert.ok(key.ok);
  assert.equal(seen[1], `${BASE}/v1/video/playback/key/tokA/job_1`);
  assert.equal(key.ctx, keyContext);
  assert.equal(key.ctx.url, 'ansdev-key://job_1', 'the key URI hls.js caches by is untouched');

  const segment = `${BASE}/cdn/job_1/720p/chunk_0000.ts`;
  assert.ok((await load(Loader, { type: 'fragment', url: segment })).ok);
  assert.equal(seen[2], segment, 'segments pass through unchanged');
  assert.deepEqual(minted, ['vid_1'], 'one mint for everything');
});

test('a 401 PLAYBACK_TOKEN_EXPIRED is healed with one re-mint before hls.js sees it', async () => {
  const { player, minted } = playerWith(['tokA', 'tokB']);
  const refreshed = [];
  player.on('tokenRefreshed', (event) => refreshed.push(event.generation));
  const { Hls, seen } = fakeHls((url) =>
    url.includes('/tokA/')
      ? { status: 401, details: fakeXhr(EXPIRED) }
      : { status: 200, data: new ArrayBuffer(16) },
  );
  const { loader: Loader } = createHlsConfig(player, Hls);
  const result = await load(Loader, { type: 'key', url: 'ansdev-key://job_1', responseType: 'arraybuffer' });
  assert.ok(result.ok, 'hls.js saw success');
  assert.deepEqual(seen, [
    `${BASE}/v1/video/playback/key/tokA/job_1`,
    `${BASE}/v1/video/playback/key/tokB/job_1`,
  ]);
  assert.equal(minted.length, 2);
  assert.deepEqual(refreshed, [1, 2]);
});

test('a token refused again right after the re-mint reaches hls.js once, with an error event', async () => {
  const { player, minted } = playerWith(['tokA', 'tokB', 'tokC']);
  const errors = [];
  player.on('error', (error) => errors.push(error));
  const { Hls, seen } = fakeHls(() => ({ status: 401, details: fakeXhr(EXPIRED) }));
  const { loader: Loader } = createHlsConfig(player, Hls);
  const result = await load(Loader, { type: 'level', url: `${BASE}/v1/video/playback/manifest/x/job_1/720p/index.m3u8` });
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 401);
  assert.equal(seen.length, 2, 'one retry, never a loop');
  assert.equal(minted.length, 2);
  // The heal gave up on the fresh token: the verdict goes to the application.
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'PLAYBACK_TOKEN_EXPIRED');
  assert.equal(errors[0].attempt, null);
});

/** An Ansdev error envelope with `code`. */
const envelope = (code, status) =>
  JSON.stringify({ success: false, error: { code, message: 'refused', status } });

// The same story as sdk-native/tests/refusals.rs: a token bound to another video is refused with
// 403 PLAYBACK_TOKEN_MISMATCH; sdk-core gives up at once (AuthGaveUp with that code), nothing is
// re-minted, and the application is told.
test('a_mismatch_is_handled_identically_in_native_and_browser', async () => {
  const { player, minted } = playerWith(['tokOtherVideo', 'unused']);
  const errors = [];
  player.on('error', (error) => errors.push(error));
  const { Hls, seen } = fakeHls(() => ({
    status: 403,
    details: fakeXhr(envelope('PLAYBACK_TOKEN_MISMATCH', 403)),
  }));
  const { loader: Loader } = createHlsConfig(player, Hls);
  for (const context of [masterContext(), keyContext()]) {
    const result = await load(Loader, context);
    assert.equal(result.ok, false);
    assert.equal(result.error.code, 403, 'hls.js sees the refusal as it came');
  }
  assert.equal(seen.length, 2, 'each request sent once: no retry');
  assert.deepEqual(minted, ['vid_1'], 'the token is kept: no quota spent re-minting');
  assert.deepEqual(
    errors.map((e) => [e.code, e.attempt]),
    [
      ['PLAYBACK_TOKEN_MISMATCH', null],
      ['PLAYBACK_TOKEN_MISMATCH', null],
    ],
  );
});

test('a 401 naming another code, a bodiless 403 and a 500 go to hls.js without a re-mint', async () => {
  const answers = [
    { status: 401, details: fakeXhr(envelope('INVALID_API_KEY', 401)) },
    { status: 403, details: fakeXhr('<html>Forbidden</html>') },
    { status: 500, details: fakeXhr(envelope('PLAYBACK_TOKEN_EXPIRED', 500)) },
  ];
  for (const answer of answers) {
    const { player, minted } = playerWith(['tokA', 'tokB']);
    const errors = [];
    player.on('error', (error) => errors.push(error));
    const { Hls, seen } = fakeHls(() => answer);
    const { loader: Loader } = createHlsConfig(player, Hls);
    const result = await load(Loader, levelContext('720p'));
    assert.equal(result.error.code, answer.status);
    assert.equal(seen.length, 1, `${answer.status}: not retried`);
    assert.equal(minted.length, 1, `${answer.status}: not re-minted`);
    assert.equal(errors.length, 0, `${answer.status}: not the token's fault`);
  }
});

test('the loader asks sdk-core about every failed load and keeps no status list of its own', async () => {
  const { player } = playerWith(['tokA', 'tokB']);
  const asked = [];
  const decide = player.handleRefusal.bind(player);
  player.handleRefusal = (generation, status, body) => {
    asked.push(status);
    return decide(generation, status, body);
  };
  const statuses = [503, 404, 401];
  const { Hls } = fakeHls(() => ({ status: statuses.shift() ?? 200, data: MEDIA }));
  const { loader: Loader } = createHlsConfig(player, Hls, { prefetch: false });
  for (let i = 0; i < 3; i += 1) await load(Loader, levelContext('720p'));
  // The bodiless 401 was healed (sdk-core's call), so its retry answered 200.
  assert.deepEqual(asked, [503, 404, 401]);
});

test('a provider failure reaches hls.js as a load error and the app as an AnsdevError', async () => {
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    jobId: 'job_1',
    tokenProvider: () => Promise.reject({ code: 'VIDEO_NOT_FOUND', status: 404 }),
  });
  const errors = [];
  player.on('error', (e) => errors.push(e));
  const { Hls, seen } = fakeHls(() => ({ status: 200, data: MEDIA }));
  const { loader: Loader } = createHlsConfig(player, Hls);
  const result = await load(Loader, { type: 'manifest', url: `${BASE}/v1/video/playback/manifest/x/job_1/master.m3u8` });
  assert.equal(result.ok, false);
  assert.equal(result.error.code, 404);
  assert.equal(seen.length, 0, 'nothing sent without a token');
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof Error);
  assert.equal(errors[0].name, 'AnsdevError');
  assert.equal(errors[0].code, 'VIDEO_NOT_FOUND');
  assert.equal(errors[0].retryable, false);
  await assert.rejects(player.token(), (e) => e instanceof Error && e.code === 'VIDEO_NOT_FOUND');
});

const MASTER = [
  '#EXTM3U',
  '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720',
  '720p/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=854x480',
  '480p/index.m3u8',
  '',
].join('\n');

/** A server for job_1: master, two media playlists (VOD unless `live`), the key. */
function videoScript({ live = false, failing = () => false } = {}) {
  return (url) => {
    if (failing(url)) return { status: 503 };
    if (url.endsWith('/master.m3u8')) return { status: 200, data: MASTER };
    if (url.endsWith('/index.m3u8')) {
      return { status: 200, data: live ? MEDIA.replace('#EXT-X-ENDLIST\n', '') : MEDIA };
    }
    if (url.includes('/key/')) return { status: 200, data: new Uint8Array(16).fill(9).buffer };
    return { status: 404 };
  };
}

const masterContext = () => ({ type: 'manifest', url: `${BASE}/v1/video/playback/manifest/tok0/job_1/master.m3u8` });
const levelContext = (rendition, token = 'tok0') => ({
  type: 'level',
  url: `${BASE}/v1/video/playback/manifest/${token}/job_1/${rendition}/index.m3u8`,
});
const keyContext = () => ({ type: 'key', url: 'ansdev-key://job_1', responseType: 'arraybuffer', keyInfo: {} });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('prefetch: after the master, every media playlist and the key are held, all on one token', async () => {
  const { player, minted } = playerWith(['tokA', 'tokB']);
  const { Hls, seen } = fakeHls(videoScript());
  const { loader: Loader } = createHlsConfig(player, Hls);

  assert.ok((await load(Loader, masterContext())).ok);
  await settle();
  assert.deepEqual(seen, [
    `${BASE}/v1/video/playback/manifest/tokA/job_1/master.m3u8`,
    `${BASE}/v1/video/playback/manifest/tokA/job_1/720p/index.m3u8`,
    `${BASE}/v1/video/playback/manifest/tokA/job_1/480p/index.m3u8`,
    `${BASE}/v1/video/playback/key/tokA/job_1`,
  ]);

  // hls.js's loads, whatever token their URL names, are answered from memory.
  const fetched = seen.length;
  for (const rendition of ['720p', '480p', '720p']) {
    const context = levelContext(rendition, 'some-old-token');
    const level = await load(Loader, context);
    assert.ok(level.ok);
    assert.equal(level.ctx, context, 'hls.js gets its own context back');
    assert.match(level.response.data, /URI="ansdev-key:\/\/job_1"/);
  }
  const first = await load(Loader, keyContext());
  const second = await load(Loader, keyContext());
  assert.ok(first.ok && second.ok);
  assert.equal(first.response.data.byteLength, 16);
  assert.notEqual(first.response.data, second.response.data, 'each answer gets its own buffer');
  assert.equal(new Uint8Array(second.response.data)[0], 9);
  assert.equal(seen.length, fetched, 'nothing more was requested');
  assert.deepEqual(minted, ['vid_1'], 'one token for the whole video');

  // Held per player: another hls.js loader class for the same player finds them too.
  const { loader: Again } = createHlsConfig(player, Hls);
  assert.ok((await load(Again, levelContext('480p'))).ok);
  assert.equal(seen.length, fetched);
});

test('prefetch off: each playlist and the key are loaded when hls.js asks, with the current token', async () => {
  const { player } = playerWith(['tokA']);
  const { Hls, seen } = fakeHls(videoScript());
  const { loader: Loader } = createHlsConfig(player, Hls, { prefetch: false });
  assert.ok((await load(Loader, masterContext())).ok);
  await settle();
  assert.equal(seen.length, 1, 'only the master');
  assert.ok((await load(Loader, levelContext('480p'))).ok);
  assert.ok((await load(Loader, keyContext())).ok);
  assert.deepEqual(seen.slice(1), [
    `${BASE}/v1/video/playback/manifest/tokA/job_1/480p/index.m3u8`,
    `${BASE}/v1/video/playback/key/tokA/job_1`,
  ]);
});

test('a live playlist is not held, and a failed prefetch falls back to a load on demand', async () => {
  const { player } = playerWith(['tokA']);
  const { Hls, seen } = fakeHls(videoScript({ live: true }));
  const { loader: Loader } = createHlsConfig(player, Hls);
  assert.ok((await load(Loader, masterContext())).ok);
  await settle();
  assert.equal(seen.length, 3, 'master and both playlists, no key: nothing was held');
  assert.ok((await load(Loader, levelContext('720p'))).ok);
  assert.equal(seen.length, 4, 'the live playlist is loaded again');

  const other = playerWith(['tokB']);
  let failOnce = true;
  const flaky = fakeHls(
    videoScript({
      failing: (url) => {
        const fail = failOnce && url.includes('/480p/');
        if (fail) failOnce = false;
        return fail;
      },
    }),
  );
  const { loader: Flaky } = createHlsConfig(other.player, flaky.Hls);
  assert.ok((await load(Flaky, masterContext())).ok);
  await settle();
  const before = flaky.seen.length;
  const level = await load(Flaky, levelContext('480p'));
  assert.ok(level.ok, 'loaded on demand');
  assert.equal(flaky.seen.length, before + 1);
  assert.equal(flaky.seen.at(-1), `${BASE}/v1/video/playback/manifest/tokB/job_1/480p/index.m3u8`);
});

test('c7: a playlist naming playback-shaped URLs on other origins never sends them the current token', async () => {
  const { player, minted } = playerWith(['tokA']);
  const foreign = [
    // Another port of the same host is another origin.
    'http://127.0.0.1:9999/v1/video/playback/manifest/stale/job_1/720p/index.m3u8',
    'https://evil.example/v1/video/playback/manifest/stale/job_1/480p/index.m3u8',
    // Userinfo: the host is evil.example.
    'http://127.0.0.1:8787@evil.example/v1/video/playback/manifest/stale/job_1/360p/index.m3u8',
    // Same origin, outside the base's path: `..` climbs out once normalised.
    `${BASE}/v1/video/playback/manifest/stale/job_1/../../../../../../elsewhere/index.m3u8`,
  ];
  const foreignKey = 'https://evil.example/v1/video/playback/key/stale/job_1';
  const master = ['#EXTM3U', ...foreign.flatMap((uri, i) => [`#EXT-X-STREAM-INF:BANDWIDTH=${i + 1}`, uri]), ''].join('\n');
  const media = MEDIA.replace('/video/key/job_1', foreignKey);
  const { Hls, seen } = fakeHls((url) => {
    if (url.endsWith('/master.m3u8')) return { status: 200, data: master };
    if (url.endsWith('/index.m3u8')) return { status: 200, data: media };
    return { status: 200, data: new ArrayBuffer(16) };
  });
  const { loader: Loader } = createHlsConfig(player, Hls);

  assert.ok((await load(Loader, masterContext())).ok);
  await settle();
  assert.deepEqual(seen, [`${BASE}/v1/video/playback/manifest/tokA/job_1/master.m3u8`], 'nothing foreign prefetched');

  // hls.js loads what the playlist names: each goes out exactly as written.
  for (const url of [...foreign, foreignKey]) {
    assert.equal(player.needsToken(url), false, url);
    assert.equal(await player.authorizeUrl(url), undefined, url);
    const answer = await load(Loader, { type: 'level', url });
    assert.ok(answer.ok);
    assert.equal(seen.at(-1), url, 'loaded untouched');
  }
  for (const url of seen.slice(1)) assert.ok(!url.includes('tokA'), `the current token went to ${url}`);

  // A key line naming another origin in the API's own playlist still maps to the base's key route.
  const own = await load(Loader, levelContext('720p'));
  assert.match(own.response.data, /URI="ansdev-key:\/\/job_1"/);
  assert.ok((await load(Loader, keyContext())).ok);
  assert.equal(seen.at(-1), `${BASE}/v1/video/playback/key/tokA/job_1`);
  assert.deepEqual(minted, ['vid_1']);
});

/** What the default loader passes as network details on an error: an XHR-like object. */
function fakeXhr(body) {
  return { response: body };
}

test('the API-key entry loads its own wasm and its players work with the same loader', async () => {
  const client = await import('../js/client.js');
  const bytes = await readFile(new URL('../pkg/ansdev_player_client_bg.wasm', import.meta.url));
  await client.init({ module_or_path: bytes });
  const withKey = new client.AnsdevClient({ apiKey: 'ak_test_0123456789abcdef0123456789abcdef', baseUrl: BASE });
  assert.equal(withKey.mintCount, 0);
  assert.throws(() => new client.AnsdevClient({ apiKey: 'nope' }), (e) => e.name === 'AnsdevError' && e.code === 'BUILD_ERROR');
  withKey.free();
  const player = new client.AnsdevPlayer({
    baseUrl: BASE,
    jobId: 'job_1',
    tokenProvider: async () => ({ token: 'tokZ', expiresIn: 300 }),
  });
  const { Hls, seen } = fakeHls(() => ({ status: 200, data: new ArrayBuffer(16) }));
  const { loader: Loader } = client.createHlsConfig(player, Hls);
  assert.ok((await load(Loader, { type: 'key', url: 'ansdev-key://job_1' })).ok);
  assert.equal(seen[0], `${BASE}/v1/video/playback/key/tokZ/job_1`);
  // The token-provider entry has no API-key mode.
  const entry = await import('../js/index.js');
  assert.equal(entry.AnsdevClient, undefined);
});

/** A keep-warm player whose provider mints tokens that live `expiresIn` seconds. */
function warmPlayer(expiresIn) {
  const minted = [];
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    jobId: 'job_1',
    videoId: 'vid_1',
    keepWarm: true,
    tokenProvider: async (videoId) => {
      minted.push(videoId);
      return { token: `tok${minted.length}`, expiresIn };
    },
  });
  return { player, minted };
}

test('f3: once prefetch holds every playlist and the key, keep-warm mints nothing more', async () => {
  // A 1 s token is fresh for 0.67 s: unheld, keep-warm would mint about three more in 2 s.
  const held = warmPlayer(1);
  const { loader: Loader } = createHlsConfig(held.player, fakeHls(videoScript()).Hls);
  held.player.setActive(true);
  assert.ok((await load(Loader, masterContext())).ok);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.deepEqual(held.minted, ['vid_1'], 'held: one token played the video');

  // The control: without prefetch nothing is held, and keep-warm refreshes every fresh window.
  const unheld = warmPlayer(1);
  const { loader: Lazy } = createHlsConfig(unheld.player, fakeHls(videoScript()).Hls, { prefetch: false });
  unheld.player.setActive(true);
  assert.ok((await load(Lazy, masterContext())).ok);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.ok(unheld.minted.length >= 2, `${unheld.minted.length} mints`);
  held.player.free();
  unheld.player.free();
});

test('f3: a live playlist is never all held, so keep-warm goes on', async () => {
  const live = warmPlayer(1);
  const { loader: Loader } = createHlsConfig(live.player, fakeHls(videoScript({ live: true })).Hls);
  live.player.setActive(true);
  assert.ok((await load(Loader, masterContext())).ok);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.ok(live.minted.length >= 2, `${live.minted.length} mints`);
  live.player.free();
});

test('f6: cache keys and the media playlists a master names come from the core', () => {
  const { player } = playerWith(['tokA']);
  const url = (token) => `${BASE}/v1/video/playback/manifest/${token}/job_1/720p/index.m3u8`;
  assert.equal(player.cacheKey(url('tokA')), player.cacheKey(url('tokB')));
  assert.equal(player.cacheKey(url('tokA')), `${BASE}/v1/video/playback/manifest/-/job_1/720p/index.m3u8`);
  assert.equal(player.cacheKey('ansdev-key://job_1'), 'ansdev-key://job_1');
  // Not this player's: another origin, another video, a segment.
  assert.equal(player.cacheKey(url('tokA').replace(BASE, 'https://evil.example')), undefined);
  assert.equal(player.cacheKey(url('tokA').replace('job_1', 'job_2')), undefined);
  assert.equal(player.cacheKey('ansdev-key://job_2'), undefined);
  assert.equal(player.cacheKey(`${BASE}/cdn/job_1/720p/chunk_0000.ts`), undefined);

  const master = [
    '#EXTM3U',
    '#EXT-X-STREAM-INF:BANDWIDTH=1400000',
    '720p/index.m3u8',
    '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="iframes.m3u8"',
    'stray.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000',
    'https://evil.example/480p/index.m3u8',
    '',
  ].join('\r\n');
  assert.deepEqual(AnsdevPlayer.mediaPlaylistUris(master), [
    '720p/index.m3u8',
    'https://evil.example/480p/index.m3u8',
  ]);
  assert.deepEqual(AnsdevPlayer.mediaPlaylistUris('<html>'), []);
  player.free();
});

test('p1: a player given only a video id prefetches the key too, once its first answer named the job', async () => {
  const minted = [];
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    videoId: 'vid_1',
    tokenProvider: async (videoId) => {
      minted.push(videoId);
      return { token: 'tokA', expiresIn: 300, jobId: 'job_1' };
    },
  });
  const { Hls, seen } = fakeHls(videoScript());
  // The loader exists before the job id is known, as `attach` makes it.
  const { loader: Loader } = createHlsConfig(player, Hls);
  await player.masterPlaylistUrl();
  assert.ok((await load(Loader, masterContext())).ok);
  await settle();
  assert.ok(seen.includes(`${BASE}/v1/video/playback/key/tokA/job_1`), `the key was prefetched: ${seen.join(' ')}`);
  const fetched = seen.length;
  assert.ok((await load(Loader, keyContext())).ok);
  assert.equal(seen.length, fetched, 'the key is answered from memory');
  assert.deepEqual(minted, ['vid_1']);
});

test('attach refuses a browser with only native HLS with NATIVE_HLS_UNSUPPORTED, before any mint', async () => {
  const { player, minted } = playerWith(['tokA']);
  const { Hls } = fakeHls(videoScript());
  const NativeOnly = Object.assign(function NativeOnly() {}, Hls, { isSupported: () => false, Events: { DESTROYING: 'd' } });
  await assert.rejects(attach(/** @type {any} */ ({}), player, NativeOnly), (error) => {
    assert.ok(error instanceof AnsdevError);
    assert.equal(error.code, 'NATIVE_HLS_UNSUPPORTED');
    return true;
  });
  assert.deepEqual(minted, []);
});
