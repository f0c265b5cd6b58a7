// @ts-check
// Video.js 8 (VHS) integration of the Ansdev Player SDK.
//
// VHS's request hooks are synchronous: a hook can change a request's URL but cannot wait for a
// token. So what a hook needs is ready ahead (the README's "Video.js 8" has the whole design):
//  - prefetch (default on): once the multivariant playlist is in, every VOD media playlist is
//    fetched with the token in hand and held as a `blob:` URL the hook sends VHS to. With all
//    held and the key cached by VHS, nothing needs a token: the player is made inactive;
//  - for what is not held, the player's `authorizeUrl` answer for every URL VHS asked for or
//    named, under its `cacheKey`, renewed on each new token (`tokenRefreshed`; refreshed ahead
//    while playing with `keepWarm`). One whose token expired meanwhile is still sent (the hook
//    cannot wait): VHS sees that refusal, `handleRefusal` decides, and the answer is renewed;
//  - the response hook rewrites playlists (`rewritePlaylist`: a stable key URI) and the source
//    asks VHS to cache keys (`cacheEncryptionKeys`): one key request per playback.
// The player decides everything; the adapter only moves its answers around. Video.js objects
// are typed loosely (`any`): video.js is an optional peer.
import { whenFreed } from './lifecycle.js';
import { fetchVodPlaylists } from './prefetch.js';

/** @typedef {import('../pkg/ansdev_player.js').AnsdevPlayer} AnsdevPlayer */
/** @typedef {import('../pkg/ansdev_player.js').AuthorizedUrl} AuthorizedUrl */

/**
 * Plays `player`'s video in the Video.js player `vjsPlayer` through VHS, and resolves to
 * `vjsPlayer` once the source is set. Create the player with `keepWarm: true` so that tokens are
 * refreshed ahead while Video.js plays (without it, a held URL is renewed only after use).
 *
 * Either order of teardown is safe: `vjsPlayer.dispose()` then `player.free()`, or
 * `player.free()` first, which detaches the adapter (its hooks and listeners); the Video.js
 * player stays yours to dispose.
 * @param {any} vjsPlayer a Video.js 8 player (`videojs(element, options)`)
 * @param {AnsdevPlayer} player
 * @param {{ prefetch?: boolean }} [options] `prefetch` (default `true`): hold every VOD media
 *   playlist once the multivariant playlist is in, so one token plays the video
 * @returns {Promise<any>}
 */
export async function attachVideojs(vjsPlayer, player, options = {}) {
  /** The player's cache key of a URL (the URL without its token) → the held answer of
   * `authorizeUrl` for it. Keyed so because VHS may ask for one playlist under several URLs: as
   * it resolved it, or as it was last answered from (a URL with one of our tokens).
   * @type {Map<string, AuthorizedUrl>} */
  const held = new Map();
  /** Cache key → the generation of the token its last request went out with.
   * @type {Map<string, number>} */
  const sent = new Map();
  /** Cache key → a `blob:` URL of a held VOD media playlist (its text as the server sent it).
   * @type {Map<string, string>} */
  const playlists = new Map();
  /** Prefetch: not started, under way, or every playlist held; the key is seen once VHS has it.
   * @type {'off' | 'idle' | 'fetching' | 'held' | 'done'} */
  let prefetch = options.prefetch === false ? 'off' : 'idle';
  let keyNeeded = false;
  let keyLoaded = false;
  /** @type {Array<() => void>} */
  const undo = [];
  let attached = true;

  /**
   * This player's cache key of `url`, or `undefined` for a URL that needs no token of ours.
   * @param {string} url
   */
  function keyOf(url) {
    try {
      return player.needsToken(url) ? player.cacheKey(url) : undefined;
    } catch {
      return undefined; // freed: requests go as VHS wrote them
    }
  }

  /**
   * Renews the held answer for `url` in the background.
   * @param {string} url
   * @param {string} key its cache key
   */
  function authorize(url, key) {
    let authorizing;
    try {
      authorizing = player.authorizeUrl(url);
    } catch {
      return; // freed: nothing to hold
    }
    authorizing.then(
      (answer) => {
        if (attached && answer) held.set(key, answer);
      },
      // No token could be had: the player's `error` event tells the application why; the
      // next request goes with what is held, and its refusal is healed if it can be.
      () => {},
    );
  }

  /**
   * Fetches and holds the VOD media playlists `masterText` names, with the token in hand.
   * @param {string} masterUrl
   * @param {string} masterText
   */
  function prefetchFrom(masterUrl, masterText) {
    const fetching = fetchVodPlaylists(player, masterUrl, masterText);
    if (!fetching) return;
    prefetch = 'fetching';
    fetching.then((entries) => {
      const stableKeyUri = player.stableKeyUri;
      for (const entry of entries) {
        if (!entry || !attached) continue;
        if (stableKeyUri !== undefined && player.rewritePlaylist(entry.text).includes(stableKeyUri)) keyNeeded = true;
        playlists.set(entry.key, URL.createObjectURL(new Blob([entry.text], { type: 'application/vnd.apple.mpegurl' })));
      }
      // What is not held is loaded as VHS asks, with a token.
      if (!attached || entries.includes(null)) return;
      prefetch = 'held';
      settle();
    });
  }

  /** Once every playlist is held and VHS has the key, nothing needs a token: inactive. */
  function settle() {
    if (prefetch !== 'held' || (keyNeeded && !keyLoaded)) return;
    prefetch = 'done';
    setActive(false);
  }

  /**
   * Holds an answer for every playlist and key URL VHS's parsed playlists name.
   * @param {any} vhs
   */
  function authorizeWhatVhsNames(vhs) {
    const main = vhs && vhs.playlists && vhs.playlists.main;
    if (!attached || !main || !main.playlists) return;
    /** @type {Set<string>} */
    const urls = new Set();
    for (const playlist of Object.values(main.playlists)) {
      if (!playlist || typeof playlist !== 'object') continue;
      if (typeof playlist.resolvedUri === 'string') urls.add(playlist.resolvedUri);
      for (const segment of playlist.segments || []) {
        const key = segment && segment.key;
        if (key && typeof key.resolvedUri === 'string') urls.add(key.resolvedUri);
      }
    }
    for (const url of urls) {
      const key = keyOf(url);
      if (key !== undefined && !held.has(key) && !playlists.has(key)) authorize(url, key);
    }
  }

  /** @param {any} options VHS's request options */
  function onRequest(options) {
    const url = options && options.uri;
    const key = typeof url === 'string' ? keyOf(url) : undefined;
    if (key === undefined) return options;
    const blob = playlists.get(key);
    // A held playlist: VHS reads it from memory (its own URL stays on the request).
    if (blob) return Object.assign({}, options, { uri: blob });
    const answer = held.get(key);
    // Renewed after every use too, so a held answer is never more than one use behind.
    authorize(url, key);
    if (!answer) return options;
    sent.set(key, answer.generation);
    // A new object: VHS keeps its own URL on the request (`request.uri`), the response hook's key.
    return Object.assign({}, options, { uri: answer.url });
  }

  /**
   * @param {any} vhs
   * @param {any} request the XMLHttpRequest
   * @param {unknown} error
   * @param {any} response
   */
  function onResponse(vhs, request, error, response) {
    const url = request && request.uri;
    const key = typeof url === 'string' ? keyOf(url) : undefined;
    if (key === undefined) return;
    if (typeof request.responseURL === 'string' && request.responseURL.startsWith('blob:')) {
      // A held playlist: VHS would take the `blob:` URL for a redirect and resolve the
      // playlist's URIs against it. It answered the URL VHS asked for.
      Object.defineProperty(request, 'responseURL', { value: url, configurable: true });
    }
    const status = response && typeof response.statusCode === 'number' ? response.statusCode : 0;
    if (error || status < 200 || status > 299) {
      const generation = sent.get(key);
      if (status === 0 || generation === undefined) return;
      let retry = false;
      try {
        retry = player.handleRefusal(generation, status, textOf(request));
      } catch {
        // Freed meanwhile: nothing to heal with.
      }
      // VHS retries (or tries another rendition); that request finds a fresh answer held.
      if (retry) authorize(url, key);
      return;
    }
    if (request.responseType === 'arraybuffer') {
      if (url === player.stableKeyUri) {
        keyLoaded = true;
        settle();
      }
      return;
    }
    const text = textOf(request);
    if (typeof text !== 'string' || !text) return;
    if (prefetch === 'idle') prefetchFrom(url, text);
    let rewritten;
    try {
      rewritten = player.rewritePlaylist(text);
    } catch {
      // Not a playlist the SDK can play (the player's error says why): VHS gets no text and
      // fails this request as it would an empty answer.
      rewritten = '';
    }
    if (rewritten !== text) {
      Object.defineProperty(request, 'responseText', { value: rewritten, configurable: true });
    }
    // VHS parses this answer right after the hook returns; what it names is authorized then,
    // before its segment loader's next tick asks for the key.
    queueMicrotask(() => authorizeWhatVhsNames(vhs));
  }

  /** Installs the hooks on each VHS instance this player creates (one per source). */
  function onHooksReady() {
    const tech = vjsPlayer.tech(true);
    const vhs = tech && tech.vhs;
    if (!attached || !vhs || !vhs.xhr || typeof vhs.xhr.onRequest !== 'function') return;
    /** @param {any} request @param {unknown} error @param {any} response */
    const responseHook = (request, error, response) => onResponse(vhs, request, error, response);
    vhs.xhr.onRequest(onRequest);
    vhs.xhr.onResponse(responseHook);
    undo.push(() => {
      vhs.xhr.offRequest(onRequest);
      vhs.xhr.offResponse(responseHook);
    });
  }

  /** @param {boolean} active */
  const setActive = (active) => {
    try {
      player.setActive(active);
    } catch {
      // Freed: nothing left to keep warm.
    }
  };
  // With everything held, playing needs no token: stay inactive.
  const onPlay = () => {
    if (prefetch !== 'done') setActive(true);
  };
  const onStop = () => setActive(false);

  function detach() {
    if (!attached) return;
    attached = false;
    for (const step of undo.splice(0)) {
      try {
        step();
      } catch {
        // Video.js disposed of VHS already.
      }
    }
    held.clear();
    sent.clear();
    for (const blob of playlists.values()) URL.revokeObjectURL(blob);
    playlists.clear();
  }

  const masterUrl = await player.masterPlaylistUrl();
  const masterKey = keyOf(masterUrl);
  if (masterKey !== undefined) authorize(masterUrl, masterKey);
  const offRefreshed = player.on('tokenRefreshed', () => {
    for (const [key, answer] of held) authorize(answer.url, key);
  });
  vjsPlayer.on('xhr-hooks-ready', onHooksReady);
  vjsPlayer.on('play', onPlay);
  vjsPlayer.on(['pause', 'ended'], onStop);
  undo.push(() => {
    offRefreshed();
    vjsPlayer.off('xhr-hooks-ready', onHooksReady);
    vjsPlayer.off('play', onPlay);
    vjsPlayer.off(['pause', 'ended'], onStop);
  });
  vjsPlayer.one('dispose', () => {
    detach();
    setActive(false);
  });
  whenFreed(player, detach);
  vjsPlayer.src({ src: masterUrl, type: 'application/x-mpegURL', cacheEncryptionKeys: true });
  if (!vjsPlayer.paused()) setActive(true);
  return vjsPlayer;
}

/**
 * The text of a request's answer, when it has one.
 * @param {any} request
 * @returns {string | undefined}
 */
function textOf(request) {
  try {
    return request.responseType === 'arraybuffer' ? undefined : request.responseText;
  } catch {
    return undefined;
  }
}
