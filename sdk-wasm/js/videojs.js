// @ts-check
// Video.js 8 (VHS) integration of the Ansdev Player SDK.
//
// VHS's request hooks are synchronous: a hook can change a request's URL but cannot wait for a
// token. So this adapter keeps, for every URL of this player that VHS has asked for or is about
// to ask for, the answer of `player.authorizeUrl` (the URL with a token, and its generation)
// ready ahead of need, and the request hook only reads that held answer. Everything is decided
// by the player: which URL needs a token (`needsToken`), the URL with the current token
// (`authorizeUrl`), the stable key URI (`rewritePlaylist`), whether a refusal heals
// (`handleRefusal`). The adapter only moves answers around:
//  - held answers are renewed whenever the player has a new token (`tokenRefreshed`), and the
//    player refreshes ahead only while Video.js plays (`setActive`, with the `keepWarm` option);
//  - once VHS has parsed a playlist, every playlist and key URL it names is authorized, so the
//    next rendition and the key find an answer waiting;
//  - answers are held under the player's cache key (`cacheKey`: the URL without its token), as
//    VHS may ask for a playlist as it resolved it or as it was last answered from;
//  - a URL with no held answer yet (the first media playlist, a moment after the multivariant
//    one) goes as VHS wrote it: it carries the multivariant playlist's token, fresh by then;
//  - prefetch (on by default): once the multivariant playlist is in, every VOD media playlist
//    it names is fetched with the token in hand and held as a `blob:` URL, which the request
//    hook sends VHS to instead (no token needed, nothing to wait for). Once every one is held
//    and VHS has the key (it caches it), nothing more needs a token: the player is marked
//    inactive, so keep-warm mints no more, and one token plays the VOD;
//  - without prefetch (or for a live playlist), a held answer whose token has expired meanwhile
//    (after a long pause, say) is still sent: the hook cannot wait. The server refuses it, VHS
//    sees that one error, the refusal goes to `handleRefusal`, and the answer is renewed, so
//    VHS's own retry carries a fresh token;
//  - media playlists are rewritten (`rewritePlaylist`) in the response hook, so the key URI
//    VHS caches the key by is stable; the source asks VHS to cache keys (`cacheEncryptionKeys`,
//    off by default), so the key is fetched once, not once per segment.
//
// Video.js objects are typed loosely (`any`): video.js is an optional peer, and the adapter
// uses its documented player and VHS APIs, not its type declarations.
import { whenFreed } from './lifecycle.js';

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
    /** @type {string[]} */
    let uris;
    try {
      // A static method of the player's class: either entry's class has it.
      uris = /** @type {any} */ (player.constructor).mediaPlaylistUris(masterText);
    } catch {
      return;
    }
    if (uris.length === 0) return;
    prefetch = 'fetching';
    const stableKeyUri = player.stableKeyUri;
    const fetches = uris.map(async (uri) => {
      const url = new URL(uri, masterUrl).href;
      const key = keyOf(url);
      // Not this player's (another origin): loaded as written, with no token of ours.
      if (key === undefined) return true;
      const authorized = await player.authorizeUrl(url);
      const answer = await fetch(authorized ? authorized.url : url, { signal: AbortSignal.timeout(10_000) });
      const text = answer.ok ? await answer.text() : '';
      // Only a VOD playlist is final; a live one is reloaded (with a token) as VHS asks.
      if (!attached || !/^#EXT-X-ENDLIST\b/m.test(text)) return false;
      if (stableKeyUri !== undefined && player.rewritePlaylist(text).includes(stableKeyUri)) keyNeeded = true;
      playlists.set(key, URL.createObjectURL(new Blob([text], { type: 'application/vnd.apple.mpegurl' })));
      return true;
    });
    Promise.all(fetches).then(
      (held) => {
        if (!held.every(Boolean)) return;
        prefetch = 'held';
        settle();
      },
      // What is not held is loaded as VHS asks, with a token.
      () => {},
    );
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
