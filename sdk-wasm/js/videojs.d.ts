import type { AnsdevPlayer } from '../pkg/ansdev_player.js';

/** The parts of a Video.js 8 player the adapter uses (video.js is a peer dependency). */
export interface VideojsPlayerLike {
  src(source: { src: string; type: string; cacheEncryptionKeys?: boolean }): unknown;
  tech(iWillNotUseThisInPlugins?: boolean): any;
  on(event: string | string[], listener: (...args: any[]) => void): unknown;
  one(event: string | string[], listener: (...args: any[]) => void): unknown;
  off(event: string | string[], listener: (...args: any[]) => void): unknown;
  paused(): boolean;
}

/** Options of `attachVideojs`. */
export interface VideojsOptions {
  /**
   * Hold every VOD media playlist the multivariant playlist names, fetched with the token in
   * hand as soon as it is in, and hand VHS `blob:` URLs of them: once VHS has the key too, no
   * request needs a token, the player is marked inactive (no keep-warm mint) and one token plays
   * the video (default `true`).
   */
  prefetch?: boolean;
}

/**
 * Plays `player`'s video in the Video.js player `vjsPlayer` through VHS and resolves to
 * `vjsPlayer` once the source is set. VHS's request hooks are synchronous: the adapter holds the
 * VOD media playlists in memory (`options.prefetch`) and, for what is not held, a URL with a
 * fresh token ahead of need; create the player with `keepWarm: true` so tokens are refreshed
 * ahead while Video.js plays something not held. Keys are cached by VHS
 * (`cacheEncryptionKeys`). Teardown in either order is safe: `vjsPlayer.dispose()` then
 * `player.free()`, or `player.free()` first, which detaches the adapter (the Video.js player
 * stays yours to dispose).
 */
export function attachVideojs<P extends VideojsPlayerLike>(vjsPlayer: P, player: AnsdevPlayer, options?: VideojsOptions): Promise<P>;
