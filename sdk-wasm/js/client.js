// The API-key entry (`@ansdev/player/client`): `AnsdevClient` and `AnsdevPlayer` from the wasm
// built with the `client` feature, plus the hls.js integration. Pages that get tokens from their
// backend should import `@ansdev/player` instead: its wasm is smaller.
import initWasm from '../pkg/ansdev_player_client.js';

export { AnsdevClient, AnsdevPlayer } from '../pkg/ansdev_player_client.js';
export { attach, createHlsConfig, createLoader } from './hls.js';

let ready;

/** Loads the wasm module once; every later call returns the same promise (see `index.js`). */
export function init(options) {
  if (!ready) ready = initWasm(options);
  return ready;
}

export default init;
