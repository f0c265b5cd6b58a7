// @ts-check
// Shaka Player integration of the Ansdev Player SDK (`@ansdev/player/shaka`).
//
// shaka-player is a peer dependency: the caller passes its `shaka` namespace in. The integration
// only plugs into Shaka's networking engine and asks the player every question:
//  - a request filter puts the current token into this player's URLs (`needsToken`,
//    `authorizeUrl`) when each request is sent. Shaka runs request filters again before every
//    retry, so a retry carries whatever token is current then;
//  - a response filter rewrites this player's playlists (`rewritePlaylist`): `#EXT-X-KEY` names
//    the stable `ansdev-key://{jobId}`, which Shaka's HLS parser caches keys by (one key request
//    per key URI for the whole playback);
//  - the `ansdev-key:` scheme is registered once per `shaka` namespace. Shaka picks a request's
//    scheme plugin before the filters run, so a key request reaches this plugin with the key
//    route the filter put in; it loads it with Shaka's own HTTP plugin (Fetch, else XHR). A URI
//    still `ansdev-key:` by then belongs to no player (freed, or another Shaka) and fails;
//  - prefetch (on by default): once the master is in, every VOD media playlist it names is
//    fetched with the token in hand and held, so a rendition Shaka first loads later (an ABR
//    switch after the token's life) costs no mint. Shaka picks a request's plugin by scheme, so
//    `http:`/`https:` get a plugin that answers a request the filter marked held from memory and
//    hands every other to Shaka's own HTTP plugin. If an app's plugin of higher priority
//    replaces it, a marked request goes out with the master's token: its refusal turns holding
//    off for the player and is healed like any other;
//  - healing: Shaka reports every failed download (`downloadfailed`, sent before it decides on
//    a retry). A refusal of a request the filter authorized goes to `handleRefusal` with the
//    token's generation; when the player answers "retry", the error is marked RECOVERABLE (Shaka 5
//    already retries every 4xx; an app's own HTTP plugin may make 401/403 CRITICAL, as Shaka 4's
//    did), and Shaka's own retry re-runs the filter, which takes a fresh token. Otherwise Shaka's
//    own policy applies untouched. Retrying needs a retry left: Shaka's default `maxAttempts` is
//    2; with `maxAttempts: 1` a refusal reaches Shaka.
// Shaka 5 is required: Shaka 4 runs request filters once per request, not per retry, so its
// retry would carry the refused token again.
// Segments and other URLs pass untouched.
//
// Shaka's objects are typed loosely (`any`): shaka-player is an optional peer, and this file
// follows its documented plugin and filter interfaces, not its type declarations.
import { whenFreed } from './lifecycle.js';
import { fetchVodPlaylists } from './prefetch.js';

/** @typedef {import('../pkg/ansdev_player.js').AnsdevPlayer} AnsdevPlayer */

/** The token generation each authorized request was sent with (Shaka hands the same object to
 * the filter, the plugin and `downloadfailed`).
 * @type {WeakMap<object, number>} */
const generations = new WeakMap();

/** @typedef {{ url: string, data: ArrayBuffer, generation: number }} Held a prefetched media
 * playlist as fetched, and the generation of the token it was fetched with */

/** Requests a player's filter found held: the playlist the plugin answers them with.
 * @type {WeakMap<object, Held>} */
const heldFor = new WeakMap();

/** The `shaka` namespaces the plugins are registered in.
 * @type {WeakSet<object>} */
const registered = new WeakSet();

/**
 * Registers the `ansdev-key:` scheme and the held-playlist-aware `http:`/`https:` plugin in
 * `shaka` (once).
 * @param {any} shaka
 * @param {AnsdevPlayer} player
 */
function registerPlugins(shaka, player) {
  if (registered.has(shaka)) return;
  registered.add(shaka);
  // The scheme of the stable key URI the player's `rewritePlaylist` writes (a static method of
  // the player's class: either entry's class has it).
  const keyScheme = /** @type {string} */ (/** @type {any} */ (player.constructor).stableKeyScheme());
  const net = shaka.net;
  const http = net.HttpFetchPlugin.isSupported() ? net.HttpFetchPlugin.parse : net.HttpXHRPlugin.parse;
  const { PREFERRED } = net.NetworkingEngine.PluginPriority;
  net.NetworkingEngine.registerScheme(
    keyScheme,
    (/** @type {string} */ uri, /** @type {any} */ request, /** @type {...any} */ ...rest) => {
      if (uri.startsWith(`${keyScheme}:`)) {
        const Err = shaka.util.Error;
        return shaka.util.AbortableOperation.failed(
          new Err(Err.Severity.CRITICAL, Err.Category.NETWORK, Err.Code.UNSUPPORTED_SCHEME, uri),
        );
      }
      return http(uri, request, ...rest);
    },
    PREFERRED,
    /* progressSupport= */ true,
  );
  const plugin = (/** @type {string} */ uri, /** @type {any} */ request, /** @type {...any} */ ...rest) => {
    const held = heldFor.get(request);
    if (!held) return http(uri, request, ...rest);
    heldFor.delete(request);
    // A copy: Shaka's response filters rewrite `data` in place.
    const data = held.data.slice(0);
    return shaka.util.AbortableOperation.completed({ uri: held.url, originalUri: uri, data, status: 200, headers: {}, originalRequest: request, fromCache: true });
  };
  for (const scheme of ['http', 'https']) net.NetworkingEngine.registerScheme(scheme, plugin, PREFERRED, true);
}

/**
 * Plugs `player` into `shakaPlayer`'s networking engine (see the file comment).
 * @param {any} shakaPlayer a `shaka.Player`
 * @param {AnsdevPlayer} player
 * @param {any} shaka the `shaka` namespace
 * @param {{ prefetch?: boolean }} [options] as for `attachShaka`
 */
export function configureShaka(shakaPlayer, player, shaka, options = {}) {
  registerPlugins(shaka, player);
  const engine = shakaPlayer.getNetworkingEngine();
  const manifest = shaka.net.NetworkingEngine.RequestType.MANIFEST;
  /** Media playlists held, by the player's cache key (token-free); `null` once holding is off.
   * @type {Map<string, Held> | null} */
  let held = options.prefetch === false ? null : new Map();
  let prefetching = false;

  engine.registerRequestFilter(async (/** @type {number} */ type, /** @type {any} */ request) => {
    const uris = /** @type {string[]} */ (request.uris);
    if (held && type === manifest && uris.length === 1) {
      const key = player.cacheKey(/** @type {string} */ (uris[0]));
      const playlist = key === undefined ? undefined : held.get(key);
      if (playlist) {
        // Answered from memory by the plugin: no token needed. Its URL keeps the token of the
        // master, which the prefetch's token is: a refusal of it (see `downloadfailed`) is one
        // of that generation.
        heldFor.set(request, playlist);
        generations.set(request, playlist.generation);
        return;
      }
    }
    for (let i = 0; i < uris.length; i += 1) {
      const uri = /** @type {string} */ (uris[i]);
      if (!player.needsToken(uri)) continue;
      const authorized = await player.authorizeUrl(uri);
      if (!authorized) continue;
      uris[i] = authorized.url;
      generations.set(request, authorized.generation);
    }
  });

  engine.registerResponseFilter((/** @type {number} */ type, /** @type {any} */ response) => {
    if (type !== manifest || !player.needsToken(response.originalUri || response.uri)) return;
    const text = new TextDecoder().decode(response.data);
    if (held && !prefetching) {
      // Every VOD media playlist the master names, with the token in hand (a media playlist
      // names none: nothing starts).
      const fetching = fetchVodPlaylists(player, response.uri, text);
      if (fetching) {
        prefetching = true;
        fetching.then((entries) => {
          for (const entry of entries) {
            if (entry) held?.set(entry.key, { url: entry.url, data: new TextEncoder().encode(entry.text).buffer, generation: entry.generation });
          }
        });
      }
    }
    response.data = new TextEncoder().encode(player.rewritePlaylist(text)).buffer;
  });

  shakaPlayer.addEventListener('downloadfailed', (/** @type {any} */ event) => {
    const error = event.error;
    if (heldFor.delete(event.request)) {
      // Marked held, but another plugin sent it, with its old token: hold no more (a retry is
      // authorized by the filter), and heal its refusal like any other below.
      held = null;
    }
    const generation = generations.get(event.request);
    if (generation === undefined || !event.httpResponseCode || !error) return;
    let retry = false;
    try {
      // BAD_HTTP_STATUS carries the answer's text third.
      retry = player.handleRefusal(generation, event.httpResponseCode, error.data && error.data[2]);
    } catch {
      // Freed meanwhile: nothing to heal with; Shaka's own policy applies.
    }
    if (retry) error.severity = shaka.util.Error.Severity.RECOVERABLE;
  });
}

/**
 * Creates a `shaka.Player` for `player`, attaches it to `video`, loads the video and resolves to
 * it once Shaka has loaded the master playlist. `config` is given to `shakaPlayer.configure`.
 * The player counts as active until the `shaka.Player` is destroyed (see the `keepWarm` option).
 *
 * Either order of teardown is safe: `shakaPlayer.destroy()` then `player.free()`, or
 * `player.free()` alone, which destroys this `shaka.Player` first.
 * @param {HTMLMediaElement} video
 * @param {AnsdevPlayer} player
 * @param {any} shaka the `shaka` namespace (shaka-player's default export)
 * @param {Record<string, unknown>} [config]
 * @param {{ prefetch?: boolean }} [options] `prefetch` (default `true`): hold every VOD media
 *   playlist once the master is in, so one token plays the video whatever rendition Shaka picks
 */
export async function attachShaka(video, player, shaka, config, options = {}) {
  const shakaPlayer = new shaka.Player();
  let destroyed = false;
  const destroy = shakaPlayer.destroy.bind(shakaPlayer);
  // Shaka fires no event when destroyed: the instance's own `destroy` marks it.
  shakaPlayer.destroy = (/** @type {...any} */ ...args) => {
    if (!destroyed) {
      destroyed = true;
      try {
        player.setActive(false);
      } catch {
        // The player was freed first: nothing left to deactivate.
      }
    }
    return destroy(...args);
  };
  whenFreed(player, () => {
    if (!destroyed) shakaPlayer.destroy();
  });
  try {
    if (config) shakaPlayer.configure(config);
    configureShaka(shakaPlayer, player, shaka, options);
    await shakaPlayer.attach(video);
    // Playback is active while this shaka.Player lives: with `keepWarm`, tokens are refreshed ahead.
    player.setActive(true);
    await shakaPlayer.load(await player.masterPlaylistUrl(), null, 'application/x-mpegurl');
  } catch (error) {
    await shakaPlayer.destroy();
    throw error;
  }
  return shakaPlayer;
}
