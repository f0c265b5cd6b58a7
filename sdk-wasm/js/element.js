// @ts-check
// `<ansdev-player>`: a drop-in element around `AnsdevPlayer` and the hls.js integration.
// Importing this module registers it. A page sets `video-id` and `token-endpoint` (or the
// `tokenProvider` property) and gets playback whose tokens refresh by themselves.
//
//   <ansdev-player video-id="vid_…" token-endpoint="/playback-token" controls muted></ansdev-player>
//
// hls.js comes from the element's `Hls` property when set before it connects, else from the bare
// specifier `hls.js` (a bundler or an import map resolves it).
import init, { AnsdevError, AnsdevPlayer, attach, preload } from './index.js';
import { endpointTokenProvider } from './endpoint.js';

/**
 * @typedef {import('./element.js').ElementTokenProvider} ElementTokenProvider
 * @typedef {import('./element.js').ElementHls} HlsClass
 * @typedef {{ player: InstanceType<typeof AnsdevPlayer> | null, hls: { destroy(): void } | null, reported: boolean }} Session
 */

/** Attributes copied onto the inner `<video>` as they are. */
const MEDIA_ATTRIBUTES = ['controls', 'autoplay', 'muted', 'loop', 'playsinline', 'poster', 'preload', 'crossorigin'];
/** Attributes that choose what plays: a change starts over. */
const SOURCE_ATTRIBUTES = ['video-id', 'token-endpoint', 'base-url'];
/**
 * Media events re-dispatched from the element (they do not cross the shadow root by themselves).
 * `error` is left out: the element's failures are `ansdev-error`.
 */
const MEDIA_EVENTS = [
  'loadstart', 'loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough', 'play', 'playing', 'pause',
  'timeupdate', 'seeking', 'seeked', 'waiting', 'stalled', 'ended', 'durationchange', 'volumechange',
  'ratechange', 'progress', 'emptied', 'resize',
];
/** Media properties forwarded read-write, then read-only. */
const READ_WRITE = ['currentTime', 'muted', 'volume', 'playbackRate', 'loop', 'controls', 'autoplay'];
const READ_ONLY = ['duration', 'paused', 'ended', 'seeking', 'readyState', 'networkState', 'buffered', 'seekable', 'played', 'videoWidth', 'videoHeight'];

const STYLE = `
:host { display: inline-block; position: relative; line-height: 0; }
:host([hidden]) { display: none; }
video { display: block; width: 100%; height: 100%; background: #000; }
`;

// In Node (server rendering, the package's own tests) there is no DOM: the module loads and
// defines nothing.
const Base = /** @type {typeof HTMLElement} */ (globalThis.HTMLElement ?? class {});

/** `<ansdev-player>`: see the package README. */
export class AnsdevPlayerElement extends Base {
  static get observedAttributes() {
    return [...SOURCE_ATTRIBUTES, ...MEDIA_ATTRIBUTES];
  }

  /** @type {HTMLVideoElement} */
  #video;
  /** @type {Session | null} */
  #session = null;
  /** Bumped by every start and teardown: an older start that wakes up finds itself stale. */
  #ticket = 0;
  #scheduled = false;
  /** @type {ElementTokenProvider | null} */
  #provider = null;
  /** @type {HlsClass | null} */
  #hls = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#video = document.createElement('video');
    this.#video.setAttribute('part', 'video');
    root.append(style, this.#video);
    for (const type of MEDIA_EVENTS) {
      this.#video.addEventListener(type, () => this.dispatchEvent(new Event(type)));
    }
  }

  /** The inner `<video>` (for APIs the element does not forward). */
  get media() {
    return this.#video;
  }

  /** The `AnsdevPlayer` of the current video while one plays or loads (else `null`). */
  get player() {
    return this.#session?.player ?? null;
  }

  /**
   * Where tokens come from when `token-endpoint` does not fit: called with the video id, resolves
   * to `{ token, expiresIn, jobId }` (`jobId` needed in the first answer). Setting it starts over.
   */
  get tokenProvider() {
    return this.#provider;
  }

  set tokenProvider(provider) {
    this.#provider = provider;
    this.#restart();
  }

  /** The hls.js class to use instead of importing `hls.js`. */
  get Hls() {
    return this.#hls;
  }

  set Hls(Hls) {
    this.#hls = Hls;
    this.#restart();
  }

  play() {
    return this.#video.play();
  }

  pause() {
    this.#video.pause();
  }

  /** @param {string} type */
  canPlayType(type) {
    return this.#video.canPlayType(type);
  }

  connectedCallback() {
    this.#restart();
  }

  disconnectedCallback() {
    this.#teardown();
  }

  /**
   * @param {string} name
   * @param {string | null} old
   * @param {string | null} value
   */
  attributeChangedCallback(name, old, value) {
    if (MEDIA_ATTRIBUTES.includes(name)) {
      if (value === null) this.#video.removeAttribute(name);
      else this.#video.setAttribute(name, value);
      // The `muted` attribute sets only the default; the property is what mutes.
      if (name === 'muted') this.#video.muted = value !== null;
      return;
    }
    if (old !== value) this.#restart();
  }

  /** Starts over with the current settings, once per task however many changed. */
  #restart() {
    if (!this.isConnected || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.isConnected) return;
      this.#teardown();
      const ticket = this.#ticket;
      this.#start(ticket).catch((error) => {
        if (ticket !== this.#ticket) return;
        // A failure the player already reported as an `error` event is told once.
        if (!this.#session?.reported) this.#fail(error);
        this.#teardown();
      });
    });
  }

  /** @param {number} ticket */
  async #start(ticket) {
    const videoId = this.getAttribute('video-id');
    if (!videoId) return;
    const endpoint = this.getAttribute('token-endpoint');
    const provider = this.#provider ?? (endpoint ? endpointTokenProvider(endpoint) : null);
    if (!provider) {
      throw new AnsdevError('BUILD_ERROR', '<ansdev-player> needs a `token-endpoint` attribute or a `tokenProvider`');
    }
    // `preload`, as on a `<video>`: `none` loads nothing until the viewer plays; `metadata`
    // mints and holds the master playlist, the media playlists and the key (no segment) and
    // attaches at play, which then starts with the first segment; `auto` or none given attaches
    // now (hls.js buffers the start). `autoplay` overrides it, as on a `<video>`.
    const preloading = this.hasAttribute('autoplay') ? 'auto' : this.getAttribute('preload');
    const waits = preloading === 'none' || preloading === 'metadata';
    /** @type {Promise<unknown>} */
    const played = waits ? new Promise((resolve) => this.#video.addEventListener('play', resolve, { once: true })) : Promise.resolve();
    const [, Hls] = await Promise.all([init(), this.#hls ?? importHls()]);
    if (ticket !== this.#ticket) return;
    if (!Hls.isSupported()) {
      const native = this.#video.canPlayType('application/vnd.apple.mpegurl') !== '';
      throw new AnsdevError(
        'NATIVE_HLS_UNSUPPORTED',
        native
          ? 'this browser plays HLS only natively, and a native player cannot be given a token per request'
          : 'this browser has no Media Source Extensions to play HLS with',
      );
    }
    if (preloading === 'none') {
      await played;
      if (ticket !== this.#ticket) return;
    }
    // The player learns the job id from the provider's first answer (`{ token, expiresIn,
    // jobId }`) and plays on that token: one mint.
    const baseUrl = this.getAttribute('base-url');
    const options = { videoId, tokenProvider: provider };
    const player = new AnsdevPlayer(baseUrl ? { ...options, baseUrl } : options);
    /** @type {Session} */
    const session = { player, hls: null, reported: false };
    this.#session = session;
    player.on('error', (event) => {
      session.reported = true;
      this.#emit('ansdev-error', event);
    });
    player.on('tokenRefreshed', (event) => this.#emit('ansdev-token-refreshed', event));
    player.on('quotaLow', (event) => this.#emit('ansdev-quota-low', event));
    if (preloading === 'metadata') {
      // A final refusal (no token for this video) ends here, as it would at attach; anything
      // else is loaded when hls.js asks for it.
      await preload(player, Hls).catch((error) => {
        if (session.reported || (error instanceof AnsdevError && !error.retryable)) throw error;
      });
      if (ticket !== this.#ticket) return;
      await played;
      if (ticket !== this.#ticket) return;
    }
    const hls = await attach(this.#video, player, Hls);
    if (ticket !== this.#ticket) {
      hls.destroy();
      return;
    }
    session.hls = hls;
    // A play asked for while the `<video>` had no source (the waited-for one) carries on once
    // hls.js gives it one: only `autoplay` asks here.
    if (this.hasAttribute('autoplay')) this.#video.play().catch(() => {});
  }

  #teardown() {
    this.#ticket += 1;
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    session.hls?.destroy();
    session.player?.free();
    this.#video.removeAttribute('src');
    this.#video.load();
  }

  /** @param {unknown} error */
  #fail(error) {
    this.#emit('ansdev-error', toAnsdevError(error));
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

for (const name of READ_WRITE) {
  Object.defineProperty(AnsdevPlayerElement.prototype, name, {
    get() {
      return Reflect.get(this.media, name);
    },
    set(value) {
      Reflect.set(this.media, name, value);
    },
    configurable: true,
  });
}
for (const name of READ_ONLY) {
  Object.defineProperty(AnsdevPlayerElement.prototype, name, {
    get() {
      return Reflect.get(this.media, name);
    },
    configurable: true,
  });
}

/**
 * @param {unknown} error
 * @returns {AnsdevError}
 */
function toAnsdevError(error) {
  if (error instanceof AnsdevError) return error;
  const said = /** @type {Record<string, unknown>} */ (error !== null && typeof error === 'object' ? error : {});
  const code = typeof said.code === 'string' ? said.code : 'TRANSPORT_ERROR';
  const message = typeof said.message === 'string' ? said.message : String(error);
  /** @type {{ status?: number | null, retryable?: boolean, cause?: unknown }} */
  const options = { cause: error };
  if (typeof said.status === 'number') options.status = said.status;
  if (typeof said.retryable === 'boolean') options.retryable = said.retryable;
  return new AnsdevError(/** @type {import('./errors.js').AnsdevErrorCode} */ (code), message, options);
}

/** @returns {Promise<HlsClass>} */
async function importHls() {
  // A bare specifier: resolved by the page's import map or the app's bundler.
  const module = /** @type {{ default: HlsClass }} */ (await import('hls.js'));
  return module.default;
}

if (globalThis.customElements && !customElements.get('ansdev-player')) {
  customElements.define('ansdev-player', AnsdevPlayerElement);
}
