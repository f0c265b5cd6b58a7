// In Chromium: the API-key client never follows a redirect. The browser hands it back as an
// `opaqueredirect` (status 0), the SDK refuses it, and the redirect's target — another origin
// that would accept the key — is never contacted. Node's side is in ../client.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { openPage, startSite } from './harness.mjs';

const KEY = 'ak_test_0123456789abcdef0123456789abcdef';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'x-ansdev-key, content-type',
  'access-control-allow-methods': 'GET, POST',
};

/** A server on 127.0.0.1:0 that allows any page (CORS) and records every request. */
async function serve(answer) {
  const seen = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    answer(request, response);
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

test('c3 (Chromium): a redirect to another origin never carries x-ansdev-key there', async () => {
  const video = JSON.stringify({
    success: true,
    data: {
      id: 'vid_1', jobId: 'job_1', title: 'Demo', status: 'COMPLETED', encrypted: true, quality: '720p',
      renditions: ['720p'], durationSeconds: 40, createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    },
  });
  // Would accept the key and answer as the API does.
  const other = await serve((_request, response) => {
    response.writeHead(200, { ...CORS, 'content-type': 'application/json' }).end(video);
  });
  const api = await serve((request, response) => {
    response.writeHead(302, { ...CORS, location: `${other.url}${request.url}` }).end();
  });
  // The page's site; its token route is not used here.
  const site = await startSite({ base: api.url, apiKey: 'unused' });
  const browser = await openPage(site);
  try {
    const outcome = await browser.page.evaluate(
      async ({ baseUrl, apiKey }) => {
        const entry = await import('/js/client.js');
        await entry.init();
        const client = new entry.AnsdevClient({ apiKey, baseUrl });
        try {
          await client.getVideo('vid_1');
          return { followed: true };
        } catch (error) {
          const { name, code, kind, retryable, message } = error;
          return { name, code, kind, retryable, leaks: message.includes(apiKey) };
        } finally {
          client.free();
        }
      },
      { baseUrl: api.url, apiKey: KEY },
    );
    assert.deepEqual(outcome, {
      name: 'AnsdevError',
      code: 'REDIRECT_REFUSED',
      kind: 'RedirectRefused',
      retryable: false,
      leaks: false,
    });
    const sent = api.seen.filter((request) => request.method === 'GET');
    assert.equal(sent.length, 1, 'one request, not retried');
    assert.equal(sent[0].headers['x-ansdev-key'], KEY);
    assert.deepEqual(other.seen, [], 'the redirect target was contacted');
  } finally {
    await browser.close();
    await site.stop();
    await api.close();
    await other.close();
  }
});
