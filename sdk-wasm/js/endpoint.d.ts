import type { RateLimitInfo } from '../pkg/ansdev_player.js';

/**
 * What a token endpoint answers (sdk-native's `TokenEndpoint`): a playback token, its lifetime
 * in seconds, the job id the playback routes are keyed by, and the quota when relayed.
 */
export interface EndpointAnswer {
  token: string;
  expiresIn: number;
  jobId?: string;
  rateLimit?: RateLimitInfo;
}

/**
 * A `tokenProvider` calling `GET {endpoint}/{videoId}` (cookies go with a same-origin endpoint).
 * A refusal `{ error: { code, message, status, retryable, retryAfterMs } }` is thrown as a
 * `ProviderError` with the answer's status, so the SDK's retries follow what the backend said.
 */
export function endpointTokenProvider(
  endpoint: string,
  init?: RequestInit,
): (videoId: string) => Promise<EndpointAnswer>;
