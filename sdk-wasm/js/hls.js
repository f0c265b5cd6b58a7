// hls.js integration of the Ansdev Player SDK.
//
// hls.js is a peer dependency: the caller passes its `Hls` class in, so the package never
// bundles a second copy. The loader below wraps `Hls.DefaultConfig.loader` and, for this
// player's URLs only:
//  - puts the current token into manifest, playlist and key URLs at load time (a playlist
//    fetched minutes ago still names an old token; hls.js never retries a 4xx);
//  - rewrites media playlists so `#EXT-X-KEY` names the stable `ansdev-key://{jobId}`, which
//    hls.js caches keys by, and maps that URI to the key route with a fresh token when loading;
//  - heals a 401 (token expired or invalid) once: reports the refusal with the token's
//    generation, takes a fresh token and retries before hls.js sees anything.
// Segments and other URLs go to the default loader untouched.

/**
 * A loader class for hls.js's `loader` option, bound to `player`.
 * @param {import('./index.js').AnsdevPlayer} player
 * @param {{ DefaultConfig: { loader: any } }} Hls the hls.js class
 */
export function createLoader(player, Hls) {
  const Base = Hls && Hls.DefaultConfig && Hls.DefaultConfig.loader;
  if (typeof Base !== 'function') {
    throw new TypeError('createLoader(player, Hls): pass the hls.js class as Hls');
  }

  return class AnsdevLoader {
    constructor(config) {
      this.hlsConfig = config;
      this.inner = new Base(config);
      this.context = null;
      this.done = false;
    }

    get stats() {
      return this.inner.stats;
    }

    load(context, loaderConfig, callbacks) {
      this.context = context;
      this.done = false;
      if (!player.needsToken(context.url)) {
        this.inner.load(context, loaderConfig, callbacks);
        return;
      }
      this.loadAuthorized(context, loaderConfig, callbacks, false);
    }

    loadAuthorized(context, loaderConfig, callbacks, healing) {
      player.authorizeUrl(context.url).then(
        (authorized) => {
          if (this.done) return;
          if (healing) {
            // A loader instance serves one request: the retry gets a fresh one.
            this.inner.destroy();
            this.inner = new Base(this.hlsConfig);
          }
          if (!authorized) {
            this.inner.load(context, loaderConfig, callbacks);
            return;
          }
          // hls.js matches answers to the context it issued (keys by `url`): the tokenized URL
          // goes to the inner loader only, and hls.js always gets its own context back.
          const tokenized = Object.assign({}, context, { url: authorized.url });
          this.inner.load(tokenized, loaderConfig, {
            onSuccess: (response, stats, _tokenized, details) => {
              if (typeof response.data === 'string') {
                try {
                  response.data = player.rewritePlaylist(response.data);
                } catch (error) {
                  callbacks.onError({ code: 0, text: error.message }, context, details, stats);
                  return;
                }
              }
              callbacks.onSuccess(response, stats, context, details);
            },
            onError: (error, _tokenized, details, stats) => {
              // Reported even on the retry: a fresh token refused at once is dropped and the
              // application is told (`error` event); it is never retried in a loop.
              const refused = error.code === 401 || error.code === 403;
              const retry =
                refused && player.handleRefusal(authorized.generation, error.code, bodyOf(details));
              if (retry && !healing) {
                this.loadAuthorized(context, loaderConfig, callbacks, true);
                return;
              }
              callbacks.onError(error, context, details, stats);
            },
            onTimeout: (stats, _tokenized, details) => callbacks.onTimeout(stats, context, details),
            onAbort: callbacks.onAbort
              ? (stats, _tokenized, details) => callbacks.onAbort(stats, context, details)
              : undefined,
            onProgress: callbacks.onProgress
              ? (stats, _tokenized, data, details) =>
                  callbacks.onProgress(stats, context, data, details)
              : undefined,
          });
        },
        (error) => {
          // No token could be had (the `error` event tells the application why).
          if (this.done) return;
          const code = typeof error.status === 'number' ? error.status : 0;
          callbacks.onError({ code, text: error.message }, context, null, this.stats);
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

    getResponseHeader(name) {
      return this.inner.getResponseHeader ? this.inner.getResponseHeader(name) : null;
    }
  };
}

/** The body of a failed request, when the default loader kept it (its XHR's `response`). */
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
 * The hls.js options that make `player`'s videos play: merge them into your own config.
 * @example new Hls({ ...myConfig, ...createHlsConfig(player, Hls) })
 */
export function createHlsConfig(player, Hls) {
  return { loader: createLoader(player, Hls) };
}

/**
 * Creates an `Hls` instance for `player`, attaches it to `video` and loads the video.
 * Resolves to the `Hls` instance (destroy it before freeing the player). `config` is passed to
 * hls.js. The player counts as active until the `Hls` is destroyed (see the `keepWarm` option).
 */
export async function attach(video, player, Hls, config = {}) {
  const hls = new Hls(Object.assign({}, config, createHlsConfig(player, Hls)));
  // Playback is active while this Hls lives: with `keepWarm`, tokens are refreshed ahead.
  player.setActive(true);
  hls.on(Hls.Events.DESTROYING, () => {
    try {
      player.setActive(false);
    } catch {
      // The player was freed first: nothing left to deactivate.
    }
  });
  hls.attachMedia(video);
  hls.loadSource(await player.masterPlaylistUrl());
  return hls;
}
