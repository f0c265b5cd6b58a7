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

/** @typedef {import('../pkg/ansdev_player.js').AnsdevPlayer} AnsdevPlayer */

/** The scheme of the stable key URI the player's `rewritePlaylist` writes. */
const KEY_SCHEME = 'ansdev-key';

/** The token generation each authorized request was sent with (Shaka hands the same object to
 * the filter, the plugin and `downloadfailed`).
 * @type {WeakMap<object, number>} */
const generations = new WeakMap();

/** The `shaka` namespaces the key scheme is registered in.
 * @type {WeakSet<object>} */
const registered = new WeakSet();

/**
 * Registers the `ansdev-key:` scheme in `shaka` (once).
 * @param {any} shaka
 */
function registerKeyScheme(shaka) {
  if (registered.has(shaka)) return;
  registered.add(shaka);
  const net = shaka.net;
  const http = net.HttpFetchPlugin.isSupported() ? net.HttpFetchPlugin.parse : net.HttpXHRPlugin.parse;
  net.NetworkingEngine.registerScheme(
    KEY_SCHEME,
    (/** @type {string} */ uri, /** @type {any} */ request, /** @type {...any} */ ...rest) => {
      if (uri.startsWith(`${KEY_SCHEME}:`)) {
        const Err = shaka.util.Error;
        return shaka.util.AbortableOperation.failed(
          new Err(Err.Severity.CRITICAL, Err.Category.NETWORK, Err.Code.UNSUPPORTED_SCHEME, uri),
        );
      }
      return http(uri, request, ...rest);
    },
    net.NetworkingEngine.PluginPriority.PREFERRED,
    /* progressSupport= */ true,
  );
}

/**
 * Plugs `player` into `shakaPlayer`'s networking engine (see the file comment).
 * @param {any} shakaPlayer a `shaka.Player`
 * @param {AnsdevPlayer} player
 * @param {any} shaka the `shaka` namespace
 */
export function configureShaka(shakaPlayer, player, shaka) {
  registerKeyScheme(shaka);
  const engine = shakaPlayer.getNetworkingEngine();
  const manifest = shaka.net.NetworkingEngine.RequestType.MANIFEST;

  engine.registerRequestFilter(async (/** @type {number} */ _type, /** @type {any} */ request) => {
    const uris = /** @type {string[]} */ (request.uris);
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
    response.data = new TextEncoder().encode(player.rewritePlaylist(text)).buffer;
  });

  shakaPlayer.addEventListener('downloadfailed', (/** @type {any} */ event) => {
    const generation = generations.get(event.request);
    const error = event.error;
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
 */
export async function attachShaka(video, player, shaka, config) {
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
    configureShaka(shakaPlayer, player, shaka);
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
