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
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {Array<Promise<HeldPlaylist | null>>} */
  const fetches = [];
  for (const uri of uris) {
    let url;
    let key;
    try {
      url = new URL(uri, masterUrl).href;
      key = player.needsToken(url) ? player.cacheKey(url) : undefined;
    } catch {
      continue;
    }
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    const held = /** @type {string} */ (key);
    fetches.push(
      player
        .authorizeUrl(url)
        .then(async (authorized) => {
          const answer = await fetch(authorized ? authorized.url : url, { signal: AbortSignal.timeout(10_000) });
          const text = answer.ok ? await answer.text() : '';
          if (!/^#EXT-X-ENDLIST\b/m.test(text)) return null;
          return { key: held, url: answer.url, text, generation: authorized ? authorized.generation : 0 };
        })
        .catch(() => null),
    );
  }
  return Promise.all(fetches);
}
