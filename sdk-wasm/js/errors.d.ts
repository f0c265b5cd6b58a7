/** The API's error codes: the rows of the SDK's error catalog (sdk-core `catalog.rs`). */
export type CatalogErrorCode =
  | "API_KEY_REQUIRED"
  | "INVALID_API_KEY"
  | "API_KEY_EXPIRED"
  | "INSUFFICIENT_SCOPE"
  | "RATE_LIMIT_EXCEEDED"
  | "VIDEO_NOT_FOUND"
  | "VIDEO_NOT_READY"
  | "PLAYBACK_TOKEN_EXPIRED"
  | "PLAYBACK_TOKEN_INVALID"
  | "PLAYBACK_TOKEN_MISMATCH"
  | "NO_KEY"
  | "KEY_DECRYPT_FAILED"
  | "INVALID_REQUEST"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "REQUEST_TIMEOUT"
  | "INTERNAL_ERROR"
  | "UNAUTHORIZED"
  | "VALIDATION_ERROR"
  | "SERVER_ERROR"
  | "FORBIDDEN"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "FREE_TIER_LIMIT_REACHED";

/**
 * Codes of failures the SDK reports itself (the catalog's client rows; no server sends them): a
 * bad argument or provider answer (`BUILD_ERROR`), the network (`TRANSPORT_ERROR`, `TIMEOUT`),
 * an unreadable answer (`DECODE_ERROR`), an answer the SDK refuses (`REDIRECT_REFUSED`,
 * `BODY_TOO_LARGE`), a class used before `init()` resolved (`NOT_INITIALIZED`), a call on a
 * freed object (`PLAYER_FREED`, `CLIENT_FREED`) and a browser that plays HLS only natively,
 * where no token can be given per request (`NATIVE_HLS_UNSUPPORTED`).
 */
export type ClientErrorCode =
  | "BUILD_ERROR"
  | "TRANSPORT_ERROR"
  | "TIMEOUT"
  | "DECODE_ERROR"
  | "REDIRECT_REFUSED"
  | "BODY_TOO_LARGE"
  | "NOT_INITIALIZED"
  | "PLAYER_FREED"
  | "CLIENT_FREED"
  | "NATIVE_HLS_UNSUPPORTED";

/**
 * Every code an `AnsdevError` carries. A code a newer API adds arrives as its own string until
 * the SDK learns it; `switch` over this union with a `default` branch.
 */
export type AnsdevErrorCode = CatalogErrorCode | ClientErrorCode;

/** An error from the SDK: a real `Error` with the API's (or the SDK's) code. */
export class AnsdevError extends Error {
  constructor(
    code: AnsdevErrorCode,
    message: string,
    options?: { status?: number | null; retryable?: boolean; cause?: unknown },
  );
  name: "AnsdevError";
  /** e.g. `PLAYBACK_TOKEN_EXPIRED`, `RATE_LIMIT_EXCEEDED`, `TRANSPORT_ERROR`, `PLAYER_FREED`. */
  code: AnsdevErrorCode;
  /** The HTTP status, when a response arrived. */
  status: number | null;
  /** Whether trying again later can succeed. */
  retryable: boolean;
  /** For `RATE_LIMIT_EXCEEDED`: time until the quota resets, when known. */
  retryAfterMs?: number;
  /**
   * For `RATE_LIMIT_EXCEEDED`: present (true) when the server's reset time was implausible (more
   * than a day away) and the wait was capped at 24 hours.
   */
  resetCapped?: true;
  /**
   * For `TRANSPORT_ERROR`, `REDIRECT_REFUSED` and `BODY_TOO_LARGE`: what failed.
   * `RedirectRefused` (the API answered with a redirect, which requests carrying the API key
   * never follow) and `BodyTooLarge` (an answer over `maxResponseBytes`) are final
   * (`retryable: false`).
   */
  kind?: "Connect" | "ConnectionReset" | "Cancelled" | "RedirectRefused" | "BodyTooLarge" | "Other";
  /** For a token provider's failure: what the provider threw or rejected with, as it was. */
  cause?: unknown;
  /** True for the SDK's errors, from either entry or any copy of the package. */
  static [Symbol.hasInstance](value: unknown): value is AnsdevError;
}

/**
 * What a token provider throws or rejects with when it cannot get a token. Every field is
 * optional; the thrown value is kept as the resulting `AnsdevError`'s `cause`.
 *
 * - `code` (with `status`): the API's answer your backend relayed. `RATE_LIMIT_EXCEEDED` pauses
 *   minting until the quota resets (`retryAfterMs` from now, when known); a code that is not
 *   retryable is not retried; it becomes the error's `code`.
 * - `retryable: false` without a code: a final failure (`BUILD_ERROR`), not retried.
 * - anything else (a plain `Error`, a network failure): transient, retried with backoff
 *   (`TRANSPORT_ERROR`).
 *
 * @example
 * throw Object.assign(new Error('quota used up'), { code: 'RATE_LIMIT_EXCEEDED', status: 429, retryAfterMs });
 */
export interface ProviderError {
  code?: AnsdevErrorCode;
  status?: number;
  retryAfterMs?: number;
  retryable?: boolean;
  message?: string;
  cause?: unknown;
}
