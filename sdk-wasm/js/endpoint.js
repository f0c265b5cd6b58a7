// @ts-check
// A token provider that calls an app's token endpoint, as sdk-native's `TokenEndpoint` serves it:
// `GET {endpoint}/{videoId}` → `{ token, expiresIn, jobId, rateLimit? }`, and on refusal
// `{ error: { code, message, status, retryable, retryAfterMs? } }` with the refusal's status.

/**
 * @typedef {import('./endpoint.js').EndpointAnswer} EndpointAnswer
 * @typedef {import('./errors.js').ProviderError} ProviderError
 */

/**
 * A `tokenProvider` calling `GET {endpoint}/{videoId}` on the page's own backend (cookies are
 * sent for a same-origin endpoint, so the backend can check the viewer's session).
 * @param {string} endpoint e.g. `/playback-token` or `https://app.example/playback-token`
 * @param {RequestInit} [init] extra `fetch` options (headers, credentials)
 * @returns {(videoId: string) => Promise<EndpointAnswer>}
 */
export function endpointTokenProvider(endpoint, init) {
  const base = endpoint.replace(/\/+$/, '');
  return async (videoId) => {
    /** @type {Response} */
    let answer;
    try {
      answer = await fetch(`${base}/${encodeURIComponent(videoId)}`, { ...init, method: 'GET' });
    } catch (cause) {
      /** @type {ProviderError} */
      const failure = { code: 'TRANSPORT_ERROR', message: 'the token endpoint could not be reached', retryable: true, cause };
      throw failure;
    }
    /** @type {unknown} */
    let body = null;
    try {
      body = await answer.json();
    } catch {
      // Not JSON (a proxy's error page, an empty answer): the status alone speaks.
    }
    if (!answer.ok) throw refusal(answer, body);
    const token = field(body, 'token');
    const expiresIn = field(body, 'expiresIn');
    const jobId = field(body, 'jobId');
    if (typeof token !== 'string' || typeof expiresIn !== 'number') {
      /** @type {ProviderError} */
      const failure = { code: 'DECODE_ERROR', message: 'the token endpoint answered without `token` and `expiresIn`', status: answer.status };
      throw failure;
    }
    /** @type {EndpointAnswer} */
    const result = { token, expiresIn };
    if (typeof jobId === 'string') result.jobId = jobId;
    const rateLimit = field(body, 'rateLimit');
    if (rateLimit && typeof rateLimit === 'object') result.rateLimit = /** @type {EndpointAnswer['rateLimit'] & object} */ (rateLimit);
    return result;
  };
}

/**
 * The endpoint's refusal as the `ProviderError` the SDK reads (code, status, retry hint).
 * @param {Response} answer
 * @param {unknown} body
 * @returns {ProviderError}
 */
function refusal(answer, body) {
  const error = field(body, 'error');
  const code = field(error, 'code');
  const message = field(error, 'message');
  const retryAfterMs = field(error, 'retryAfterMs');
  const retryable = field(error, 'retryable');
  /** @type {ProviderError} */
  const failure = { status: answer.status };
  if (typeof code === 'string') failure.code = /** @type {ProviderError['code'] & string} */ (code);
  if (typeof message === 'string') failure.message = message;
  if (typeof retryAfterMs === 'number') failure.retryAfterMs = retryAfterMs;
  if (typeof retryable === 'boolean') failure.retryable = retryable;
  return failure;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {unknown}
 */
function field(value, name) {
  return value !== null && typeof value === 'object' ? Reflect.get(value, name) : undefined;
}
