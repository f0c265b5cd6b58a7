import type { AnsdevPlayer } from '../pkg/ansdev_player.js';

/** The parts of the hls.js class the integration uses (hls.js is a peer dependency). */
export interface HlsClass<H = any> {
  new (config?: Record<string, unknown>): H;
  DefaultConfig: { loader: new (config: any) => any };
  Events: { DESTROYING: string };
}

/** Options of the hls.js integration. */
export interface LoaderOptions {
  /**
   * Once the multivariant playlist is loaded, fetch every media playlist and the AES key with
   * the current token and hold a VOD's in memory for this player, so ABR switches, seeks and
   * key loads need no further token (one token plays the whole video). Once all of a VOD's are
   * held, the player is marked inactive (`setActive(false)`), so `keepWarm` mints nothing more.
   * Default `true`; with `false` every load takes the current token and tokens are minted
   * lazily as needed.
   */
  prefetch?: boolean;
}

/** A loader class for hls.js's `loader` option, bound to `player`. */
export function createLoader(player: AnsdevPlayer, Hls: HlsClass, options?: LoaderOptions): new (config: any) => any;

/** The hls.js options that make `player`'s video play: `new Hls({ ...mine, ...createHlsConfig(player, Hls) })`. */
export function createHlsConfig(
  player: AnsdevPlayer,
  Hls: HlsClass,
  options?: LoaderOptions,
): { loader: new (config: any) => any };

/**
 * Loads what the start of playback needs before `attach`: mints, then fetches the master
 * playlist, every media playlist and the key, and holds them for `player`, so `attach` starts
 * with the first segment. Call it as soon as the page knows the video (on load, on hover).
 */
export function preload(player: AnsdevPlayer, Hls: HlsClass, options?: LoaderOptions): Promise<void>;

/**
 * Creates an `Hls` for `player`, attaches it to `video`, loads the video, and resolves to it;
 * the player is active until the `Hls` is destroyed or prefetch holds everything it needs. Teardown in either order is safe:
 * `hls.destroy()` then `player.free()`, or `player.free()` alone, which destroys this `Hls` first.
 */
export function attach<
  H extends {
    attachMedia(v: HTMLMediaElement): void;
    loadSource(url: string): void;
    on(event: string, listener: (...args: any[]) => void): void;
    destroy(): void;
  },
>(
  video: HTMLMediaElement,
  player: AnsdevPlayer,
  Hls: HlsClass<H>,
  config?: Record<string, unknown>,
  options?: LoaderOptions,
): Promise<H>;
