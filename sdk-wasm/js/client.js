// @ts-check
// The API-key entry (`@ansdev/player/client`): `AnsdevClient` and `AnsdevPlayer` from the wasm
// built with the `client` feature, plus the hls.js integration and the error class. Pages that
// get tokens from their backend should import `@ansdev/player` instead: its wasm is smaller.
import initWasm, {
  AnsdevClient as WasmClient,
  AnsdevPlayer as WasmPlayer,
} from '../pkg/ansdev_player_client.js';
import { loadOnce, withLifecycle } from './lifecycle.js';

export { AnsdevError } from './errors.js';
export { attach, createHlsConfig, createLoader, preload } from './hls.js';

const wasm = loadOnce(initWasm);

/** `AnsdevClient` and `AnsdevPlayer`, usable once `init()` resolved (see `lifecycle.js`). */
export const AnsdevClient = withLifecycle(WasmClient, wasm.loaded, 'CLIENT_FREED');
export const AnsdevPlayer = withLifecycle(WasmPlayer, wasm.loaded, 'PLAYER_FREED');

/**
 * Loads the wasm module once; every later call returns the same promise (see `index.js`).
 * @param {{ module_or_path: import('../pkg/ansdev_player_client.js').InitInput | Promise<import('../pkg/ansdev_player_client.js').InitInput> }} [options]
 */
export function init(options) {
  return wasm.init(options);
}

export default init;
