// The package entries' lifecycle under Node: classes used before `init()`, calls after
// `free()`, either teardown order of an attached `Hls`, `on()`'s unsubscribe, and
// `instanceof AnsdevError`. Run after scripts/build-wasm.sh:
//   node --test sdk-wasm/tests/lifecycle.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import init, { AnsdevError, AnsdevPlayer, attach, createLoader } from '../js/index.js';
import initClient, { AnsdevClient } from '../js/client.js';

const BASE = 'http://127.0.0.1:8787';

/** @param {unknown} code */
const ansdevError = (code) => (/** @type {any} */ error) =>
  error instanceof AnsdevError && error instanceof Error && error.code === code;

const options = () => ({
  baseUrl: BASE,
  jobId: 'job_1',
  tokenProvider: async () => ({ token: 'tok1', expiresIn: 300 }),
});

// Before any `init()`: this must run first, so the module-level awaits come after it.
test('ts4: a player made before init() throws NOT_INITIALIZED, not a TypeError from the glue', () => {
  assert.throws(() => new AnsdevPlayer(options()), ansdevError('NOT_INITIALIZED'));
  assert.throws(() => new AnsdevClient({ apiKey: 'ak_test' }), ansdevError('NOT_INITIALIZED'));
});

test('ts4: an init() that is not awaited yet still gives NOT_INITIALIZED', async () => {
  const loading = init({ module_or_path: await readFile(new URL('../pkg/ansdev_player_bg.wasm', import.meta.url)) });
  assert.throws(() => new AnsdevPlayer(options()), ansdevError('NOT_INITIALIZED'));
  await loading;
  await initClient({
    module_or_path: await readFile(new URL('../pkg/ansdev_player_client_bg.wasm', import.meta.url)),
  });
  assert.ok(new AnsdevPlayer(options()) instanceof AnsdevPlayer);
});

test('ts3: errors thrown by the wasm are instances of the exported AnsdevError', () => {
  assert.throws(() => new AnsdevPlayer(/** @type {any} */ ({ jobId: 'job_1' })), (error) => {
    assert.ok(error instanceof AnsdevError);
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'BUILD_ERROR');
    return true;
  });
  assert.ok(!({ name: 'AnsdevError', code: 'X' } instanceof AnsdevError), 'a look-alike is not one');
  const made = new AnsdevError('TIMEOUT', 'slow', { retryable: true });
  assert.ok(made instanceof AnsdevError && made.retryable && made.status === null);
});

test('ts4: after free() every getter and method throws PLAYER_FREED; free() again is a no-op', async () => {
  const player = new AnsdevPlayer(options());
  assert.equal(player.jobId, 'job_1');
  player.free();
  assert.throws(() => player.jobId, ansdevError('PLAYER_FREED'));
  assert.throws(() => player.needsToken(`${BASE}/x`), ansdevError('PLAYER_FREED'));
  assert.throws(() => player.token(), ansdevError('PLAYER_FREED'));
  assert.throws(() => player.on('error', () => {}), ansdevError('PLAYER_FREED'));
  player.free();
});

test('ts4: a freed client throws CLIENT_FREED', () => {
  const client = new AnsdevClient({ apiKey: 'ak_test_0123456789abcdef0123456789abcdef', baseUrl: BASE });
  client.free();
  assert.throws(() => client.mintCount, ansdevError('CLIENT_FREED'));
});

test('ts2: on() returns a function that removes the listener', async () => {
  let calls = 0;
  const player = new AnsdevPlayer({ ...options(), tokenProvider: async () => ({ token: `tok${++calls}`, expiresIn: 300 }) });
  /** @type {number[]} */
  const seen = [];
  const stop = player.on('tokenRefreshed', (event) => seen.push(event.generation));
  assert.equal(typeof stop, 'function');
  await player.token();
  assert.equal(seen.length, 1);
  stop();
  stop();
  // A refusal of the current generation makes the next token() mint again.
  player.handleRefusal(seen[0] ?? 0, 401, null);
  await player.token();
  assert.equal(calls, 2);
  assert.equal(seen.length, 1, 'no event after unsubscribing');
  player.free();
  stop();
});

/** A stand-in for hls.js recording what the integration does to it. */
function fakeHls() {
  const log = /** @type {string[]} */ ([]);
  class DefaultLoader {
    constructor() {
      this.stats = { loading: { start: 0 } };
    }
    load() {}
    abort() {}
    destroy() {}
  }
  class Hls {
    static DefaultConfig = { loader: DefaultLoader };
    static Events = { DESTROYING: 'hlsDestroying' };
    /** @param {Record<string, unknown>} config */
    constructor(config) {
      this.config = config;
      /** @type {Map<string, Array<() => void>>} */
      this.listeners = new Map();
    }
    /** @param {string} event @param {() => void} listener */
    on(event, listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    }
    attachMedia() {
      log.push('attachMedia');
    }
    /** @param {string} url */
    loadSource(url) {
      log.push(`loadSource ${url.includes('tok1')}`);
    }
    destroy() {
      log.push('destroy');
      for (const listener of this.listeners.get(Hls.Events.DESTROYING) ?? []) listener();
    }
  }
  return { Hls, log };
}

test('ts4: free() first destroys the attached Hls, so nothing keeps loading for a freed player', async () => {
  const { Hls, log } = fakeHls();
  const player = new AnsdevPlayer(options());
  const hls = await attach(/** @type {any} */ ({}), player, Hls);
  assert.deepEqual(log, ['attachMedia', 'loadSource true']);
  player.free();
  assert.deepEqual(log.slice(2), ['destroy']);
  hls.destroy(); // and the Hls's own destroy afterwards throws nothing
});

test('ts4: hls.destroy() first, then free(), is safe too', async () => {
  const { Hls, log } = fakeHls();
  const player = new AnsdevPlayer(options());
  const hls = await attach(/** @type {any} */ ({}), player, Hls);
  hls.destroy();
  player.free();
  assert.deepEqual(log.slice(2), ['destroy'], 'destroyed once');
});

test("ts4: a loader whose player was freed fails its load (hls.js sees an error) instead of throwing", async () => {
  const { Hls } = fakeHls();
  const player = new AnsdevPlayer(options());
  const Loader = createLoader(player, Hls);
  player.free();
  const loader = new Loader({});
  const failed = await new Promise((resolve) => {
    loader.load({ url: `${BASE}/v1/video/playback/manifest/tok/job_1/master.m3u8` }, {}, {
      onSuccess: () => resolve(null),
      onError: (/** @type {any} */ error) => resolve(error),
      onTimeout: () => resolve(null),
    });
  });
  assert.ok(failed && /freed/.test(failed.text), JSON.stringify(failed));
});
