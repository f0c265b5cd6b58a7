export * from '../pkg/ansdev_player_client.js';
export { attach, createHlsConfig, createLoader, HlsClass } from './hls.js';
import type { InitInput, InitOutput } from '../pkg/ansdev_player_client.js';

/** Loads the wasm module once; later calls return the same promise. */
export function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;
export default init;
