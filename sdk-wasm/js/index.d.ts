// Only what `index.js` exports at run time is exported as a value here (a bundler refuses an
// import the runtime lacks); the rest are types.
import type { InitInput, InitOutput } from '../pkg/ansdev_player.js';

export { AnsdevPlayer } from '../pkg/ansdev_player.js';
export type {
  AnsdevEvents,
  AuthorizedUrl,
  InitInput,
  InitOutput,
  PlaybackErrorEvent,
  PlayerOptions,
  ProvidedToken,
  QuotaLowEvent,
  RateLimitInfo,
  TokenOptions,
  TokenRefreshedEvent,
} from '../pkg/ansdev_player.js';
export { AnsdevError } from './errors.js';
export type { AnsdevErrorCode, CatalogErrorCode, ClientErrorCode, ProviderError } from './errors.js';
export { attach, createHlsConfig, createLoader, preload } from './hls.js';
export { endpointTokenProvider } from './endpoint.js';
export type { EndpointAnswer } from './endpoint.js';
export type { HlsClass, LoaderOptions } from './hls.js';

/** Loads the wasm module once; later calls return the same promise. */
export function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;
export default init;

declare global {
  // The glue declares `[Symbol.dispose]()` (`using player = …`); `Symbol.dispose` is in the
  // standard library only from ES2024's `esnext.disposable`. Declared here as @types/node does,
  // so the package's types check under `lib: ES2022` too.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
