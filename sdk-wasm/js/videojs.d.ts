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

/**
 * Plays `player`'s video in the Video.js player `vjsPlayer` through VHS and resolves to
 * `vjsPlayer` once the source is set. VHS's request hooks are synchronous: the adapter holds a
 * URL with a fresh token for each playlist and key ahead of need; create the player with
 * `keepWarm: true` so tokens are refreshed ahead while Video.js plays. Keys are cached by VHS
 * (`cacheEncryptionKeys`). Teardown in either order is safe: `vjsPlayer.dispose()` then
 * `player.free()`, or `player.free()` first, which detaches the adapter (the Video.js player
 * stays yours to dispose).
 */
export function attachVideojs<P extends VideojsPlayerLike>(vjsPlayer: P, player: AnsdevPlayer): Promise<P>;
