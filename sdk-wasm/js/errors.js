// @ts-check
// The error class of the package. Errors made in wasm (`src/js_error.rs`) are plain `Error`s
// named `AnsdevError` carrying the registered brand below; `instanceof AnsdevError` checks that
// brand, so it holds for them, for errors made here, and across both entries and a second copy
// of the package alike.

/** The brand every SDK error carries (`ERROR_BRAND` in `src/js_error.rs`). */
const BRAND = Symbol.for('ansdev.error');

/** An error from the SDK: a real `Error` with the API's (or the SDK's) `code`. */
export class AnsdevError extends Error {
  /**
   * @param {import('./errors.js').AnsdevErrorCode} code
   * @param {string} message
   * @param {{ status?: number | null, retryable?: boolean, cause?: unknown }} [options]
   */
  constructor(code, message, options = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    /** @type {'AnsdevError'} */
    this.name = 'AnsdevError';
    this.code = code;
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * @param {unknown} value
   * @returns {value is AnsdevError}
   */
  static [Symbol.hasInstance](value) {
    return typeof value === 'object' && value !== null && Reflect.get(value, BRAND) === true;
  }
}
