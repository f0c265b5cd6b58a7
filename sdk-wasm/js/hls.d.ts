import type { AnsdevPlayer } from '../pkg/ansdev_player.js';

/** The parts of the hls.js class the integration uses (hls.js is a peer dependency). */
export interface HlsClass<H = any> {
  new (config?: Record<string, unknown>): H;
  DefaultConfig: { loader: new (config: any) => any };
  Events: { DESTROYING: string };
}

/** A loader class for hls.js's `loader` option, bound to `player`. */
export function createLoader(player: AnsdevPlayer, Hls: HlsClass): new (config: any) => any;

/** The hls.js options that make `player`'s video play: `new Hls({ ...mine, ...createHlsConfig(player, Hls) })`. */
export function createHlsConfig(player: AnsdevPlayer, Hls: HlsClass): { loader: new (config: any) => any };

/** Creates an `Hls` for `player`, attaches it to `video`, loads the video, and resolves to it; the player is active until the `Hls` is destroyed. */
export function attach<
  H extends {
    attachMedia(v: HTMLMediaElement): void;
    loadSource(url: string): void;
    on(event: string, listener: (...args: any[]) => void): void;
  },
>(
  video: HTMLMediaElement,
  player: AnsdevPlayer,
  Hls: HlsClass<H>,
  config?: Record<string, unknown>,
): Promise<H>;
