import type { AnsdevPlayer } from '../pkg/ansdev_player.js';

/** The parts of a `shaka.Player` the integration uses (shaka-player is a peer dependency). */
export interface ShakaPlayerLike {
  attach(video: HTMLMediaElement): Promise<void>;
  load(uri: string, startTime?: number | null, mimeType?: string): Promise<void>;
  configure(config: Record<string, unknown>): unknown;
  getNetworkingEngine(): unknown;
  addEventListener(type: string, listener: (event: any) => void): void;
  destroy(): Promise<void>;
}

/** The parts of the `shaka` namespace the integration uses (shaka-player's default export fits). */
export interface ShakaNamespace<P extends ShakaPlayerLike = ShakaPlayerLike> {
  Player: new () => P;
  net: {
    NetworkingEngine: {
      registerScheme(scheme: string, plugin: (...args: any[]) => any, priority?: number, progressSupport?: boolean): void;
      RequestType: { MANIFEST: number };
      PluginPriority: { PREFERRED: number };
    };
    HttpFetchPlugin: { isSupported(): boolean; parse(...args: any[]): any };
    HttpXHRPlugin: { parse(...args: any[]): any };
  };
  util: {
    Error: any;
    AbortableOperation: { failed(error: unknown): any; completed(value: unknown): any };
  };
}

/**
 * Plugs `player` into `shakaPlayer`'s networking engine: a request filter puts the current token
 * into this player's URLs at request time (again on every retry), a response filter makes the
 * playlists' key URI the stable `ansdev-key://{jobId}`, the VOD media playlists are prefetched
 * and held (`options.prefetch`), and a refusal goes to the player, which decides whether Shaka's
 * own retry runs with a fresh token. `attachShaka` calls it for you.
 */
export function configureShaka<P extends ShakaPlayerLike>(
  shakaPlayer: P,
  player: AnsdevPlayer,
  shaka: ShakaNamespace<P>,
  options?: ShakaOptions,
): void;

/** Options of `attachShaka` and `configureShaka`. */
export interface ShakaOptions {
  /**
   * Hold every VOD media playlist the master names, fetched with the token in hand as soon as
   * the master is in, so one token plays the video whatever rendition Shaka loads later
   * (default `true`). Held playlists are answered by an `http:`/`https:` plugin the package
   * registers (priority PREFERRED) that hands every other request to Shaka's own.
   */
  prefetch?: boolean;
}

/**
 * Creates a `shaka.Player` for `player`, attaches it to `video`, loads the video and resolves to
 * it once Shaka has loaded the master playlist; `config` goes to `shakaPlayer.configure`. The
 * player is active until the `shaka.Player` is destroyed. Teardown in either order is safe:
 * `shakaPlayer.destroy()` then `player.free()`, or `player.free()` alone, which destroys the
 * `shaka.Player` first.
 */
export function attachShaka<P extends ShakaPlayerLike>(
  video: HTMLMediaElement,
  player: AnsdevPlayer,
  shaka: ShakaNamespace<P>,
  config?: Record<string, unknown>,
  options?: ShakaOptions,
): Promise<P>;
