// @ts-check
// The VOD media-playlist prefetch of the Shaka and Video.js integrations. What a master names,
// how a URL is keyed and where its token goes are the player's answers; this only fetches.

/** @typedef {import('../pkg/ansdev_player.js').AnsdevPlayer} AnsdevPlayer */

/** @typedef {{ key: string, url: string, text: string, generation: number }} HeldPlaylist a
 * media playlist as fetched: its cache key, the URL that answered, its text, its token's generation */

/**
 * Fetches with the token in hand every media playlist of `player`'s that `masterText` names,
 * resolved against `masterUrl`. One entry each, `null` if not kept (failed, or live: no
 * `#EXT-X-ENDLIST`); `undefined` if it names none (not a master).
 * @param {AnsdevPlayer} player
 * @param {string} masterUrl
 * @param {string} masterText
 * @returns {Promise<Array<HeldPlaylist | null>> | undefined}
 */
export function fetchVodPlaylists(player, masterUrl, masterText) {
  /** @type {string[]} */
  let uris;
  try {
    uris = /** @type {any} */ (player.constructor).mediaPlaylistUris(masterText);
  } catch {
    return undefined;
  }
  if (uris.length === 0) return undefined;
  /**
   * One playlist, or `null`: never a rejection (a freed player included).
   * @param {string} key
   * @param {string} url
   * @returns {Promise<HeldPlaylist | null>}
   */
  const fetchOne = async (key, url) => {
    try {
      const authorized = await player.authorizeUrl(url);
      const answer = await fetch(authorized ? authorized.url : url, { signal: AbortSignal.timeout(10_000) });
      const text = answer.ok ? await answer.text() : '';
      if (!/^#EXT-X-ENDLIST\b/m.test(text)) return null;
      return { key, url: answer.url, text, generation: authorized ? authorized.generation : 0 };
    } catch {
      return null;
    }
  };
  /** @type {Map<string, Promise<HeldPlaylist | null>>} one fetch per cache key */
  const fetches = new Map();
  for (const uri of uris) {
    try {
      const url = new URL(uri, masterUrl).href;
      const key = player.needsToken(url) ? player.cacheKey(url) : undefined;
      if (key !== undefined && !fetches.has(key)) fetches.set(key, fetchOne(key, url));
    } catch {
      // Not a URL, or a freed player: nothing to hold.
    }
  }
  return Promise.all(fetches.values());
}
