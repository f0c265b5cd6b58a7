// The API-key entry's fetch transport under Node against real HTTP servers on 127.0.0.1:0:
// redirects are refused (the key never reaches another host) and response bodies are capped.
// Run after scripts/build-wasm.sh:
//   node --test sdk-wasm/tests/client.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

import init, { AnsdevClient } from '../js/client.js';

const wasm = await readFile(new URL('../pkg/ansdev_player_client_bg.wasm', import.meta.url));
await init({ module_or_path: wasm });

const KEY = 'ak_test_0123456789abcdef0123456789abcdef';

/** A video as the API sends it; `title` pads it to any size. */
function videoBody(title = 'Demo') {
  return JSON.stringify({
    success: true,
    data: {
      id: 'vid_1', jobId: 'job_1', title, status: 'COMPLETED', encrypted: true, quality: '720p',
      renditions: ['720p'], durationSeconds: 40, createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    },
  });
}

const MINTED = JSON.stringify({ success: true, data: { token: 'minted.tok', expiresIn: 300 } });

/** A server on 127.0.0.1:0 answering with `handler`; `seen` records every request. */
async function serve(handler) {
  const seen = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    handler(request, response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

function json(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The API on one port redirecting with `status` to a catcher on another that would answer 200. */
async function redirecting(status) {
  const other = await serve((request, response) => json(response, 200, request.method === 'POST' ? MINTED : videoBody()));
  const api = await serve((request, response) => {
    response.writeHead(status, { location: `${other.url}${request.url}` });
    response.end();
  });
  const close = async () => {
    await api.close();
    await other.close();
  };
  return { api, other, close };
}

function refusedRedirect(error) {
  assert.equal(error.name, 'AnsdevError');
  assert.equal(error.code, 'REDIRECT_REFUSED');
  assert.equal(error.kind, 'RedirectRefused');
  assert.equal(error.retryable, false);
  assert.ok(!error.message.includes(KEY) && !error.message.includes('127.0.0.1'), error.message);
  return true;
}

test('c3: a redirect to another port never carries x-ansdev-key there, whatever its status', async () => {
  for (const status of [301, 302, 303, 307, 308]) {
    const { api, other, close } = await redirecting(status);
    try {
      const client = new AnsdevClient({ apiKey: KEY, baseUrl: api.url });
      await assert.rejects(client.getVideo('vid_1'), refusedRedirect, `GET answered ${status}`);
      await assert.rejects(client.mintPlaybackToken('vid_1'), refusedRedirect, `POST answered ${status}`);
      assert.equal(api.seen.length, 2, 'refused at once, never retried');
      assert.equal(api.seen[0].headers['x-ansdev-key'], KEY, 'the API itself got the key');
      assert.deepEqual(other.seen, [], `the other server was reached after a ${status}`);
      client.free();
    } finally {
      await close();
    }
  }
});

test("c3: a client's players mint through the API without following a redirect either", async () => {
  const other = await serve((_request, response) => json(response, 200, MINTED));
  const api = await serve((request, response) => {
    if (request.method === 'GET') return json(response, 200, videoBody());
    response.writeHead(307, { location: `${other.url}${request.url}` });
    response.end();
  });
  try {
    const client = new AnsdevClient({ apiKey: KEY, baseUrl: api.url });
    const player = await client.player('vid_1');
    await assert.rejects(player.token(), refusedRedirect);
    assert.deepEqual(other.seen, []);
    player.free();
    client.free();
  } finally {
    await api.close();
    await other.close();
  }
});

function tooLarge(error) {
  assert.equal(error.name, 'AnsdevError');
  assert.equal(error.code, 'BODY_TOO_LARGE');
  assert.equal(error.kind, 'BodyTooLarge');
  assert.equal(error.retryable, false);
  return true;
}

test('s1: an answer whose Content-Length is over maxResponseBytes is refused unread', async () => {
  const body = videoBody('x'.repeat(2000));
  const api = await serve((_request, response) => json(response, 200, body));
  try {
    const small = new AnsdevClient({ apiKey: KEY, baseUrl: api.url, maxResponseBytes: 1024 });
    await assert.rejects(small.getVideo('vid_1'), tooLarge);
    assert.equal(api.seen.length, 1, 'never retried');
    // Exactly at the cap is within it.
    const exact = new AnsdevClient({ apiKey: KEY, baseUrl: api.url, maxResponseBytes: Buffer.byteLength(body) });
    assert.equal((await exact.getVideo('vid_1')).title.length, 2000);
    small.free();
    exact.free();
  } finally {
    await api.close();
  }
});

test('s1: an endless answer without Content-Length is cut off at the default 16 MiB', async () => {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const limit = 64 * 1024 * 1024;
  let written = 0;
  let closed;
  const disconnected = new Promise((resolve) => {
    closed = resolve;
  });
  const api = await serve((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.on('close', () => closed(written));
    // Spaces are valid JSON padding: a reader without a cap would hold all of it.
    const pump = () => {
      while (written < limit && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) return response.once('drain', pump);
      }
      if (written >= limit) response.end();
    };
    pump();
  });
  try {
    const client = new AnsdevClient({ apiKey: KEY, baseUrl: api.url, timeoutMs: 60000 });
    await assert.rejects(client.getVideo('vid_1'), tooLarge);
    const sent = await disconnected;
    assert.ok(sent < limit, `the client read on to the end (${sent} bytes)`);
    console.log('s1 figures:', JSON.stringify({ serverWroteBeforeHangUp: sent, cap: 16 * 1024 * 1024 }));
    client.free();
  } finally {
    await api.close();
  }
});

test('s1: maxResponseBytes must be a positive number', () => {
  for (const bad of [0, -1, 'big', Number.NaN]) {
    assert.throws(
      () => new AnsdevClient({ apiKey: KEY, maxResponseBytes: bad }),
      (e) => e.name === 'AnsdevError' && e.code === 'BUILD_ERROR' && /maxResponseBytes/.test(e.message),
      String(bad),
    );
  }
});

/** An Ansdev error envelope. */
function refusal(code, message) {
  return JSON.stringify({ success: false, error: { code, message } });
}

test('r3: the browser client honours a custom retry policy', async () => {
  const api = await serve((_request, response) => json(response, 500, refusal('INTERNAL_ERROR', 'Internal server error.')));
  try {
    const once = new AnsdevClient({ apiKey: KEY, baseUrl: api.url, retry: { maxAttempts: 1 } });
    await assert.rejects(once.getVideo('vid_1'), (e) => e.code === 'INTERNAL_ERROR' && e.retryable === true);
    assert.equal(api.seen.length, 1, 'maxAttempts: 1 never retries');
    const three = new AnsdevClient({
      apiKey: KEY,
      baseUrl: api.url,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await assert.rejects(three.getVideo('vid_1'), (e) => e.code === 'INTERNAL_ERROR');
    assert.equal(api.seen.length, 1 + 3, 'maxAttempts: 3 sends three attempts');
    once.free();
    three.free();
  } finally {
    await api.close();
  }
});

test('r3: a retry policy option that makes no sense is a BUILD_ERROR naming it', () => {
  for (const retry of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { baseDelayMs: -1 }, 'often']) {
    assert.throws(
      () => new AnsdevClient({ apiKey: KEY, retry }),
      (e) => e.code === 'BUILD_ERROR' && /retry/.test(e.message),
      JSON.stringify(retry),
    );
  }
});

test('r3: the browser client waits for a near quota reset as native does, by its own clock', async () => {
  // No Date header (a browser hides it from a cross-origin answer): the reset is dated by the
  // client's wall clock. The first answer is the used-up quota, the next the video.
  const api = await serve((_request, response) => {
    response.sendDate = false;
    if (api.seen.length === 1) {
      const reset = Math.floor(Date.now() / 1000) + 1;
      response.writeHead(429, {
        'content-type': 'application/json',
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      });
      response.end(refusal('RATE_LIMIT_EXCEEDED', 'Daily limit of 1000 playback tokens exceeded.'));
    } else {
      json(response, 200, videoBody());
    }
  });
  try {
    const waits = new AnsdevClient({ apiKey: KEY, baseUrl: api.url });
    const started = Date.now();
    assert.equal((await waits.getVideo('vid_1')).id, 'vid_1');
    assert.equal(api.seen.length, 2, 'retried once, after the reset');
    assert.ok(Date.now() - started >= 900, 'it waited for the reset');
    waits.free();

    api.seen.length = 0;
    const impatient = new AnsdevClient({ apiKey: KEY, baseUrl: api.url, retry: { maxQuotaWaitMs: 0 } });
    await assert.rejects(impatient.getVideo('vid_1'), (e) => e.code === 'RATE_LIMIT_EXCEEDED' && e.retryAfterMs >= 0);
    assert.equal(api.seen.length, 1, 'a reset beyond maxQuotaWaitMs is not waited for');
    impatient.free();
  } finally {
    await api.close();
  }
});
