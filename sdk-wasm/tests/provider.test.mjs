// The token-provider contract `{ token, expiresIn, jobId?, rateLimit? }` under Node, with the
// built package: a page that knows only the video id learns the job id from the first answer,
// and a relayed quota makes `quotaLow` fire as in API-key mode. Run after scripts/build-wasm.sh:
//   node --test sdk-wasm/tests/provider.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import init, { AnsdevError, AnsdevPlayer } from '../js/index.js';

const BASE = 'http://127.0.0.1:8787';
const wasm = await readFile(new URL('../pkg/ansdev_player_bg.wasm', import.meta.url));
await init({ module_or_path: wasm });

test('p1: a page with only a video id learns the job id from the first answer, on one mint', async () => {
  let calls = 0;
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    videoId: 'vid_demo',
    tokenProvider: async (id) => {
      calls += 1;
      assert.equal(id, 'vid_demo');
      return { token: 'tok_1', expiresIn: 300, jobId: 'job_1' };
    },
  });
  assert.equal(player.jobId, undefined, 'unknown before the first answer');
  assert.equal(player.needsToken(`${BASE}/v1/video/playback/manifest/x/job_1/master.m3u8`), false);
  assert.equal(await player.masterPlaylistUrl(), `${BASE}/v1/video/playback/manifest/tok_1/job_1/master.m3u8`);
  assert.equal(player.jobId, 'job_1');
  assert.equal(player.needsToken('ansdev-key://job_1'), true);
  assert.equal(player.needsToken('ansdev-key://job_2'), false, 'another job is not this player’s');
  assert.match(player.rewritePlaylist('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="/video/key/job_1"\n#EXTINF:6,\nseg.ts\n'), /URI="ansdev-key:\/\/job_1"/);
  assert.equal(calls, 1);
  player.free();
});

test('p1: the jobId option wins over an answer naming another job', async () => {
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    jobId: 'job_1',
    videoId: 'vid_demo',
    tokenProvider: async () => ({ token: 'tok_1', expiresIn: 300, jobId: 'job_9' }),
  });
  assert.equal(await player.masterPlaylistUrl(), `${BASE}/v1/video/playback/manifest/tok_1/job_1/master.m3u8`);
  assert.equal(player.jobId, 'job_1');
  player.free();
});

test('p1: neither a jobId option nor one in the answer is a BUILD_ERROR naming the provider', async () => {
  const player = new AnsdevPlayer({ baseUrl: BASE, videoId: 'vid_demo', tokenProvider: async () => ({ token: 'tok_1', expiresIn: 300 }) });
  await assert.rejects(player.masterPlaylistUrl(), (error) => {
    assert.ok(error instanceof AnsdevError);
    assert.equal(error.code, 'BUILD_ERROR');
    assert.match(error.message, /tokenProvider.*jobId/);
    return true;
  });
  player.free();
  assert.throws(() => new AnsdevPlayer({ baseUrl: BASE, tokenProvider: async () => ({}) }), /videoId/);
});

test('p2: a relayed rateLimit makes quotaLow fire in token-provider mode', async () => {
  const player = new AnsdevPlayer({
    baseUrl: BASE,
    videoId: 'vid_demo',
    tokenProvider: async () => ({
      token: 'tok_1',
      expiresIn: 300,
      jobId: 'job_1',
      rateLimit: { limit: 1000, remaining: 12, resetAt: 1_796_083_200 },
    }),
  });
  const low = [];
  const refreshed = [];
  player.on('quotaLow', (event) => low.push(event));
  player.on('tokenRefreshed', (event) => refreshed.push(event.rateLimit));
  await player.token();
  assert.deepEqual(low, [{ videoId: 'vid_demo', limit: 1000, remaining: 12, resetAt: 1_796_083_200 }]);
  assert.deepEqual(refreshed, [{ limit: 1000, remaining: 12, resetAt: 1_796_083_200 }]);
  player.free();
});

test('p2: an answer without rateLimit, or with a malformed one, fires no quotaLow', async () => {
  for (const rateLimit of [undefined, { limit: 'x', remaining: 1, resetAt: 0 }, { limit: 10 }]) {
    const player = new AnsdevPlayer({
      baseUrl: BASE,
      videoId: 'vid_demo',
      tokenProvider: async () => ({ token: 'tok_1', expiresIn: 300, jobId: 'job_1', rateLimit }),
    });
    let low = 0;
    player.on('quotaLow', () => (low += 1));
    await player.token();
    assert.equal(low, 0, JSON.stringify(rateLimit));
    player.free();
  }
});
