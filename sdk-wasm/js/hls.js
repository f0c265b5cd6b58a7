// @ts-check
// hls.js integration of the Ansdev Player SDK.
//
// hls.js is a peer dependency: the caller passes its `Hls` class in, so the package never
// bundles a second copy. The loader below wraps `Hls.DefaultConfig.loader` and, for this
// player's URLs only — which URL that is, sdk-core decides (`needsToken`): this video's
// playback routes on the configured baseUrl's origin and path prefix; the same shape on any
// other origin goes to the default loader untouched, with no token of ours:
//  - puts the current token into manifest, playlist and key URLs at load time (a playlist
//    fetched minutes ago still names an old token; hls.js never retries a 4xx);
//  - rewrites media playlists so `#EXT-X-KEY` names the stable `ansdev-key://{jobId}`, which
//    hls.js caches keys by, and maps that URI to the key route with a fresh token when loading;
//  - prefetches (on by default): once the multivariant playlist is loaded, every media playlist
//    it names and the AES key are fetched with the token that is current then, and a VOD's are
//    held in memory for the player, so ABR switches, seeks and key loads are answered from
//    memory and need no further token — one token plays the entire video. Once all of them are
//    held the player is marked inactive (`setActive(false)`): no load will need a token, so
//    keep-warm stops minting for it;
//  - reports every failed load to the player (`handleRefusal`: the status, the body and the
//    token's generation) and retries with the current token exactly when sdk-core says so —
//    once for an expired or invalid token — before hls.js sees anything. The loader keeps no
//    list of statuses and no count of its own. That lazy path serves whatever is not held: a
//    reload, a live playlist, a prefetch that failed.
// Segments and other URLs go to the default loader untouched. Which URLs a playlist names and
// what a held answer is keyed by (the URL without its token) are the core's answers too
// (`mediaPlaylistUris`, `cacheKey`): the loader parses no playlist and no URL of its own.
//
// hls.js's loader objects are typed loosely (`any`) here: hls.js is an optional peer, and the
// loader follows its documented loader interface, not its type declarations.
import { AnsdevError } from './errors.js';
import { whenFreed } from './lifecycle.js';

/** @typedef {import('../pkg/ansdev_player.js').AnsdevPlayer} AnsdevPlayer */
/** @typedef {{ url: string, data: string | ArrayBuffer }} HeldAnswer */
/** @typedef {{ DefaultConfig: { loader: any }, Events?: { DESTROYING: string } }} HlsLike */

/** Prefetched answers per player: cache key → Promise<{ url, data }>.
 * @type {WeakMap<AnsdevPlayer, Map<string, Promise<HeldAnswer>>>} */
const held = new WeakMap();

/** @param {AnsdevPlayer} player */
function heldFor(player) {
  let entries = held.get(player);
  if (!entries) {
    entries = new Map();
    held.set(player, entries);
  }
  return entries;
}

/** How prefetch requests are loaded when the triggering request gave no policy. */
const PREFETCH_POLICY = {
  loadPolicy: { maxTimeToFirstByteMs: 10000, maxLoadTimeMs: 20000, timeoutRetry: null, errorRetry: null },
  timeout: 10000,
  maxRetry: 0,
  retryDelay: 0,
  maxRetryDelay: 0,
};

/**
 * A loader class for hls.js's `loader` option, bound to `player`.
 * @param {AnsdevPlayer} player
 * @param {HlsLike} Hls the hls.js class
 * @param {{ prefetch?: boolean }} [options] `prefetch: false` turns off holding a VOD's media
 *   playlists and key in memory (every load then takes the current token, minting lazily)
 */
export function createLoader(player, Hls, options = {}) {
  const Base = Hls && Hls.DefaultConfig && Hls.DefaultConfig.loader;
  if (typeof Base !== 'function') {
    throw new TypeError('createLoader(player, Hls): pass the hls.js class as Hls');
  }
  const prefetch = options.prefetch !== false;

  /**
   * Loads `url` (a URL of this player) with the current token through a default loader of its
   * own. Resolves to `{ url, data }`; rejects on any failure without healing it: what could not
   * be prefetched is loaded on demand later, where refusals are healed.
   * @param {unknown} hlsConfig
   * @param {string} url
   * @param {'text' | 'arraybuffer'} responseType
   * @param {object} loaderConfig
   * @returns {Promise<HeldAnswer>}
   */
  function fetchAuthorized(hlsConfig, url, responseType, loaderConfig) {
    return player.authorizeUrl(url).then(
      (authorized) =>
        /** @type {Promise<HeldAnswer>} */ (new Promise((resolve, reject) => {
          if (!authorized) {
            reject(new Error('not a playback URL of this player'));
            return;
          }
          const loader = new Base(hlsConfig);
          /** @type {<T>(settle: (value: T) => void, value: T) => void} */
          const done = (settle, value) => {
            loader.destroy();
            settle(value);
          };
          loader.load(
            { type: 'ansdevPrefetch', url: authorized.url, responseType },
            Object.assign({}, loaderConfig),
            {
              onSuccess: (/** @type {any} */ response) =>
                done(resolve, { url: response.url || authorized.url, data: response.data }),
              onError: (/** @type {any} */ error) =>
                done(reject, new Error(`prefetch answered ${error.code}`)),
              onTimeout: () => done(reject, new Error('prefetch timed out')),
            },
          );
        })),
    );
  }

  /**
   * Holds `entry` under `key` until it fails.
   * @param {string} key
   * @param {Promise<HeldAnswer>} entry
   */
  function hold(key, entry) {
    const entries = heldFor(player);
    entries.set(key, entry);
    entry.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
  }

  /**
   * Starts fetching every media playlist `masterText` names (resolved against `masterUrl`) and,
   * once one of them turns out to be an encrypted VOD, the key. Entries are registered before
   * this returns, so hls.js's first level load already waits for its prefetch.
   * @param {unknown} hlsConfig
   * @param {string} masterUrl
   * @param {string} masterText
   * @param {any} loaderConfig
   */
  function prefetchFrom(hlsConfig, masterUrl, masterText, loaderConfig) {
    const entries = heldFor(player);
    const policy = loaderConfig && loaderConfig.loadPolicy ? loaderConfig : PREFETCH_POLICY;
    // Known by now: a player given only a video id learns its job id with its first token.
    const stableKeyUri = player.stableKeyUri;
    if (stableKeyUri === undefined) return;
    /** @type {Promise<unknown>[]} everything the video needs, held once all settle */
    const needed = [];
    /**
     * The key's entry when a held playlist names it; throws when it names it and it is not held.
     * @param {HeldAnswer} answer
     */
    const keyOf = (answer) => {
      if (typeof answer.data !== 'string' || !answer.data.includes(stableKeyUri)) return undefined;
      const key = entries.get(stableKeyUri);
      if (!key) throw new Error('key not held');
      return key;
    };
    /** @type {string[]} */
    let uris;
    try {
      // A static method of the player's class: either entry's class has it.
      uris = /** @type {any} */ (player.constructor).mediaPlaylistUris(masterText);
    } catch {
      return;
    }
    for (const uri of uris) {
      let url;
      let key;
      try {
        // Resolved as hls.js resolves it, so the key is the one its own load will ask for.
        url = new URL(uri, masterUrl).href;
        key = player.cacheKey(url);
      } catch {
        continue;
      }
      if (key === undefined) {
        // Not this player's (another origin): loaded as written, so not ours to hold.
        continue;
      }
      const existing = entries.get(key);
      if (existing) {
        needed.push(existing.then(keyOf));
        continue;
      }
      const entry = fetchAuthorized(hlsConfig, url, 'text', policy).then((answer) => {
        if (typeof answer.data !== 'string') throw new Error('playlist is not text');
        const text = player.rewritePlaylist(answer.data);
        // Only a VOD playlist is final; a live one must be reloaded (lazily, with a token).
        if (!/^#EXT-X-ENDLIST\b/m.test(text)) throw new Error('live playlist: not held');
        if (text.includes(stableKeyUri) && !entries.has(stableKeyUri)) {
          hold(
            stableKeyUri,
            fetchAuthorized(hlsConfig, stableKeyUri, 'arraybuffer', policy).then((answer) => {
              if (!(answer.data instanceof ArrayBuffer) || answer.data.byteLength !== 16) {
                throw new Error('key is not 16 bytes');
              }
              return answer;
            }),
          );
        }
        return { url: answer.url, data: text };
      });
      hold(key, entry);
      needed.push(entry.then(keyOf));
    }
    // Held when every playlist (and the key, if one names it) is: from then on no load of this
    // video needs a token, so playback is no longer active for keep-warm, which would only
    // spend quota on tokens nobody uses. A reload or a load of something not held still gets a
    // token, minted lazily. A failure leaves the player as it was.
    Promise.all(needed).then(
      () => {
        if (needed.length === 0) return;
        try {
          player.setActive(false);
        } catch {
          // Freed meanwhile: nothing to tell.
        }
      },
      () => {},
    );
  }

  return class AnsdevLoader {
    /**
     * Fetches the master playlist with a token (the first mint), then every media playlist and
     * the key, and holds them for the player, as if hls.js had loaded the master.
     * @param {unknown} hlsConfig
     * @returns {Promise<void>}
     */
    static async preload(hlsConfig) {
      const url = await player.masterPlaylistUrl();
      const key = player.cacheKey(url);
      if (key === undefined || heldFor(player).has(key)) return;
      const master = fetchAuthorized(hlsConfig, url, 'text', PREFETCH_POLICY).then((answer) => {
        if (typeof answer.data !== 'string') throw new Error('playlist is not text');
        const text = player.rewritePlaylist(answer.data);
        prefetchFrom(hlsConfig, answer.url, text, null);
        return { url: answer.url, data: text };
      });
      hold(key, master);
      await master;
      // Everything the master names, settled (a failure is loaded on demand later).
      await Promise.allSettled([...heldFor(player).values()]);
    }

    /** @param {unknown} config hls.js's config */
    constructor(config) {
      this.hlsConfig = config;
      /** @type {any} */
      this.inner = new Base(config);
      /** @type {any} */
      this.context = null;
      this.done = false;
    }

    get stats() {
      return this.inner.stats;
    }

    /**
     * @param {any} context
     * @param {any} loaderConfig
     * @param {any} callbacks
     */
    load(context, loaderConfig, callbacks) {
      this.context = context;
      this.done = false;
      let needsToken;
      try {
        needsToken = player.needsToken(context.url);
      } catch (error) {
        // The player was freed (PLAYER_FREED): the request fails, as a network error would,
        // instead of throwing inside hls.js and stalling it.
        callbacks.onError({ code: 0, text: messageOf(error) }, context, null, this.stats);
        return;
      }
      if (!needsToken) {
        this.inner.load(context, loaderConfig, callbacks);
        return;
      }
      const key = prefetch ? player.cacheKey(context.url) : undefined;
      const entry = key === undefined ? undefined : heldFor(player).get(key);
      if (!entry) {
        this.loadAuthorized(context, loaderConfig, callbacks);
        return;
      }
      entry.then(
        (answer) => {
          if (!this.done) this.answerFromMemory(context, answer, callbacks);
        },
        // The prefetch failed: load it now, with a token, as if it had never been tried.
        () => {
          if (!this.done) this.loadAuthorized(context, loaderConfig, callbacks);
        },
      );
    }

    /**
     * Answers hls.js from a prefetched entry, as the default loader would have.
     * @param {any} context
     * @param {HeldAnswer} answer
     * @param {any} callbacks
     */
    answerFromMemory(context, answer, callbacks) {
      // Each answer gets its own copy: hls.js may transfer a key's buffer to its decrypter.
      const data = typeof answer.data === 'string' ? answer.data : answer.data.slice(0);
      const size = typeof data === 'string' ? data.length : data.byteLength;
      const stats = this.inner.stats;
      const now = typeof performance !== 'undefined' ? performance.now() : Date.now();
      if (stats && stats.loading) {
        stats.loading.start = stats.loading.start || now;
        stats.loading.first = now;
        stats.loading.end = now;
        stats.loaded = size;
        stats.total = size;
      }
      const response = { url: answer.url, data, code: 200 };
      callbacks.onSuccess(response, stats, context, null);
    }

    /**
     * @param {any} context
     * @param {any} loaderConfig
     * @param {any} callbacks
     */
    loadAuthorized(context, loaderConfig, callbacks) {
      let authorizing;
      try {
        authorizing = player.authorizeUrl(context.url);
      } catch (error) {
        callbacks.onError({ code: 0, text: messageOf(error) }, context, null, this.stats);
        return;
      }
      authorizing.then(
        (authorized) => {
          if (this.done) return;
          if (!authorized) {
            this.inner.load(context, loaderConfig, callbacks);
            return;
          }
          // hls.js matches answers to the context it issued (keys by `url`): the tokenized URL
          // goes to the inner loader only, and hls.js always gets its own context back.
          const tokenized = Object.assign({}, context, { url: authorized.url });
          this.inner.load(tokenized, loaderConfig, {
            onSuccess: (/** @type {any} */ response, /** @type {any} */ stats, /** @type {any} */ _tokenized, /** @type {any} */ details) => {
              if (typeof response.data === 'string') {
                try {
                  response.data = player.rewritePlaylist(response.data);
                } catch (error) {
                  callbacks.onError({ code: 0, text: messageOf(error) }, context, details, stats);
                  return;
                }
                if (prefetch && response.data.includes('#EXT-X-STREAM-INF')) {
                  prefetchFrom(this.hlsConfig, response.url || authorized.url, response.data, loaderConfig);
                }
              }
              callbacks.onSuccess(response, stats, context, details);
            },
            onError: (/** @type {any} */ error, /** @type {any} */ _tokenized, /** @type {any} */ details, /** @type {any} */ stats) => {
              // sdk-core decides, on every failure and on the retry too: it heals an expired token
              // once; a fresh token refused at once is given up (the application gets an `error`
              // event), so obeying it never loops.
              let retry = false;
              try {
                retry = player.handleRefusal(authorized.generation, error.code, bodyOf(details));
              } catch {
                // Freed meanwhile: nothing to heal with; the refusal goes to hls.js.
              }
              if (retry) {
                // A loader instance serves one request: the retry gets a fresh one.
                this.inner.destroy();
                this.inner = new Base(this.hlsConfig);
                this.loadAuthorized(context, loaderConfig, callbacks);
                return;
              }
              callbacks.onError(error, context, details, stats);
            },
            onTimeout: (/** @type {any} */ stats, /** @type {any} */ _tokenized, /** @type {any} */ details) =>
              callbacks.onTimeout(stats, context, details),
            onAbort: callbacks.onAbort
              ? (/** @type {any} */ stats, /** @type {any} */ _tokenized, /** @type {any} */ details) =>
                  callbacks.onAbort(stats, context, details)
              : undefined,
            onProgress: callbacks.onProgress
              ? (/** @type {any} */ stats, /** @type {any} */ _tokenized, /** @type {any} */ data, /** @type {any} */ details) =>
                  callbacks.onProgress(stats, context, data, details)
              : undefined,
          });
        },
        (/** @type {any} */ error) => {
          // No token could be had (the `error` event tells the application why).
          if (this.done) return;
          const code = typeof error?.status === 'number' ? error.status : 0;
          callbacks.onError({ code, text: messageOf(error) }, context, null, this.stats);
        },
      );
    }

    abort() {
      this.done = true;
      this.inner.abort();
    }

    destroy() {
      this.done = true;
      this.inner.destroy();
    }

    getCacheAge() {
      return this.inner.getCacheAge ? this.inner.getCacheAge() : null;
    }

    /** @param {string} name */
    getResponseHeader(name) {
      return this.inner.getResponseHeader ? this.inner.getResponseHeader(name) : null;
    }
  };
}

/**
 * The message of whatever was thrown.
 * @param {unknown} error
 */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The body of a failed request, when the default loader kept it (its XHR's `response`).
 * @param {unknown} details
 * @returns {any}
 */
function bodyOf(details) {
  if (details && typeof details === 'object' && 'response' in details) {
    try {
      return details.response;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Loads what the start of playback needs before `attach`: mints, fetches the master playlist,
 * every media playlist and the key, and holds them for `player`, so that `attach` later starts
 * with the first segment. Call it when the page knows which video comes next (on load, on
 * hover); resolves once they are held. A failure is not fatal: what is not held is loaded
 * when hls.js asks.
 * @param {AnsdevPlayer} player
 * @param {HlsLike} Hls
 * @param {{ prefetch?: boolean }} [options]
 * @returns {Promise<void>}
 */
export function preload(player, Hls, options = {}) {
  const Loader = /** @type {any} */ (createLoader(player, Hls, options));
  return Loader.preload(/** @type {any} */ (Hls).DefaultConfig);
}

/**
 * The hls.js options that make `player`'s videos play: merge them into your own config.
 * `options.prefetch` (default `true`) as for `createLoader`.
 * @example new Hls({ ...myConfig, ...createHlsConfig(player, Hls) })
 * @param {AnsdevPlayer} player
 * @param {HlsLike} Hls
 * @param {{ prefetch?: boolean }} [options]
 */
export function createHlsConfig(player, Hls, options = {}) {
  return { loader: createLoader(player, Hls, options) };
}

/**
 * Creates an `Hls` instance for `player`, attaches it to `video` and loads the video.
 * Resolves to the `Hls` instance. `config` is passed to hls.js; `options.prefetch` (default
 * `true`) as for `createLoader`. The player counts as active (see the `keepWarm` option) until
 * the `Hls` is destroyed, or until prefetch holds everything the video needs.
 *
 * Either order of teardown is safe: `hls.destroy()` then `player.free()`, or `player.free()`
 * alone, which destroys this `Hls` first (an `Hls` must not outlive the player its loads need).
 * @param {HTMLMediaElement} video
 * @param {AnsdevPlayer} player
 * @param {any} Hls the hls.js class
 * @param {Record<string, unknown>} [config]
 * @param {{ prefetch?: boolean }} [options]
 */
export async function attach(video, player, Hls, config = {}, options = {}) {
  if (typeof Hls.isSupported === 'function' && !Hls.isSupported()) {
    // Only native HLS (e.g. iOS before 17.1): no code runs per request there, so no token can
    // be put into each URL (see the README's "Safari and iOS").
    throw new AnsdevError(
      'NATIVE_HLS_UNSUPPORTED',
      'this browser plays HLS only natively; the player needs Media Source Extensions',
    );
  }
  // `startFragPrefetch`: the first segment is requested as soon as its playlist is in, not once
  // the media source is ready (the caller's config may turn it off).
  const hls = new Hls(Object.assign({ startFragPrefetch: true }, config, createHlsConfig(player, Hls, options)));
  // Playback is active while this Hls lives (until prefetch holds everything): with `keepWarm`,
  // tokens are refreshed as they leave their fresh window.
  player.setActive(true);
  let destroyed = false;
  hls.on(Hls.Events.DESTROYING, () => {
    destroyed = true;
    try {
      player.setActive(false);
    } catch {
      // The player was freed first: nothing left to deactivate.
    }
  });
  whenFreed(player, () => {
    if (!destroyed) hls.destroy();
  });
  hls.attachMedia(video);
  hls.loadSource(await player.masterPlaylistUrl());
  return hls;
}
