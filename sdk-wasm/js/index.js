// The package entry (token-provider mode): `AnsdevPlayer` from the wasm built without the
// `client` feature, the hls.js integration, and `init` to load the wasm.
import initWasm from '../pkg/ansdev_player.js';

export { AnsdevPlayer } from '../pkg/ansdev_player.js';
export { attach, createHlsConfig, createLoader } from './hls.js';

let ready;

/**
 * Loads the wasm module once; every later call returns the same promise. Bundlers and browsers
 * find the `.wasm` next to the glue by themselves; pass `{ module_or_path }` (a URL, a
 * `Response`, bytes or a compiled `WebAssembly.Module`) to load it from elsewhere.
 */
export function init(options) {
  if (!ready) ready = initWasm(options);
  return ready;
}

export default init;
