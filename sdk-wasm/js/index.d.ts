export * from '../pkg/ansdev_player.js';
export { attach, createHlsConfig, createLoader, HlsClass, LoaderOptions } from './hls.js';
import type { InitInput, InitOutput } from '../pkg/ansdev_player.js';

/** Loads the wasm module once; later calls return the same promise. */
export function init(
  options?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;
export default init;
