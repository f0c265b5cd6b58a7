// @ts-check
// The package entry (token-provider mode): `AnsdevPlayer` from the wasm built without the
// `client` feature, the hls.js integration, the error class, and `init` to load the wasm.
import initWasm, { AnsdevPlayer as WasmPlayer } from '../pkg/ansdev_player.js';
import { loadOnce, withLifecycle } from './lifecycle.js';

export { AnsdevError } from './errors.js';
export { attach, createHlsConfig, createLoader, preload } from './hls.js';
export { endpointTokenProvider } from './endpoint.js';

const wasm = loadOnce(initWasm);

/** `AnsdevPlayer`, usable once `init()` resolved (see `lifecycle.js`). */
export const AnsdevPlayer = withLifecycle(WasmPlayer, wasm.loaded, 'PLAYER_FREED');

/**
 * Loads the wasm module once; every later call returns the same promise (a failed load may be
 * tried again). Bundlers and browsers find the `.wasm` next to the glue by themselves; pass
 * `{ module_or_path }` (a URL, a `Response`, bytes or a compiled `WebAssembly.Module`) to load it
 * from elsewhere.
 * @param {{ module_or_path: import('../pkg/ansdev_player.js').InitInput | Promise<import('../pkg/ansdev_player.js').InitInput> }} [options]
 */
export function init(options) {
  return wasm.init(options);
}

export default init;
