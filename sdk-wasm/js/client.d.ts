// Only what `client.js` exports at run time is exported as a value here; the rest are types.
import type { InitInput, InitOutput } from '../pkg/ansdev_player_client.js';

export { AnsdevClient, AnsdevPlayer } from '../pkg/ansdev_player_client.js';
export type {
  AnsdevEvents,
  AuthorizedUrl,
  ClientOptions,
  InitInput,
  InitOutput,
  MintedPlaybackToken,
  PlaybackErrorEvent,
  PlayerOptions,
  ProvidedToken,
  QuotaLowEvent,
  RateLimitInfo,
  RetryOptions,
  TokenOptions,
  TokenRefreshedEvent,
  Video,
  VideoPage,
  VideoQuery,
} from '../pkg/ansdev_player_client.js';
export { AnsdevError } from './errors.js';
export type { AnsdevErrorCode, CatalogErrorCode, ClientErrorCode, ProviderError } from './errors.js';
export { attach, createHlsConfig, createLoader, preload } from './hls.js';
export type { HlsClass, LoaderOptions } from './hls.js';

/** Loads the wasm module once; later calls return the same promise. */
export function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;
export default init;

declare global {
  // As in `index.d.ts`: `Symbol.dispose` for `lib` settings older than ES2024.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
