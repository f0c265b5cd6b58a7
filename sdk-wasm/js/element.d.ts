import type { AnsdevPlayer, PlaybackErrorEvent, QuotaLowEvent, TokenRefreshedEvent } from '../pkg/ansdev_player.js';
import type { AnsdevError } from './errors.js';
import type { EndpointAnswer } from './endpoint.js';
import type { HlsClass } from './hls.js';

/** The hls.js class the element plays with (hls.js's default export fits). */
export type ElementHls = HlsClass & { isSupported(): boolean };

/** A token provider for the element: its first answer must carry `jobId`. */
export type ElementTokenProvider = (videoId: string) => Promise<EndpointAnswer>;

/** The element's own events (DOM `CustomEvent`s that bubble and cross shadow roots). */
export interface AnsdevPlayerElementEventMap extends HTMLMediaElementEventMap {
  'ansdev-error': CustomEvent<PlaybackErrorEvent | AnsdevError>;
  'ansdev-token-refreshed': CustomEvent<TokenRefreshedEvent>;
  'ansdev-quota-low': CustomEvent<QuotaLowEvent>;
}

/**
 * `<ansdev-player video-id token-endpoint base-url controls autoplay muted loop playsinline
 * poster preload crossorigin>`, registered by importing `@ansdev/player/element`.
 * Removing it from the document tears playback down; changing `video-id` switches video.
 * CSS part: `video` (the inner `<video>`).
 */
export class AnsdevPlayerElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The inner `<video>`. */
  readonly media: HTMLVideoElement;
  /** The player of the current video while one plays or loads (else `null`). */
  readonly player: AnsdevPlayer | null;
  /** Used instead of `token-endpoint` when set; setting it starts over. */
  tokenProvider: ElementTokenProvider | null;
  /** The hls.js class to use instead of importing the bare specifier `hls.js`. */
  Hls: ElementHls | null;

  play(): Promise<void>;
  pause(): void;
  canPlayType(type: string): CanPlayTypeResult;
  currentTime: number;
  muted: boolean;
  volume: number;
  playbackRate: number;
  loop: boolean;
  controls: boolean;
  autoplay: boolean;
  readonly duration: number;
  readonly paused: boolean;
  readonly ended: boolean;
  readonly seeking: boolean;
  readonly readyState: number;
  readonly networkState: number;
  readonly buffered: TimeRanges;
  readonly seekable: TimeRanges;
  readonly played: TimeRanges;
  readonly videoWidth: number;
  readonly videoHeight: number;

  connectedCallback(): void;
  disconnectedCallback(): void;
  attributeChangedCallback(name: string, old: string | null, value: string | null): void;

  addEventListener<K extends keyof AnsdevPlayerElementEventMap>(
    type: K,
    listener: (this: AnsdevPlayerElement, event: AnsdevPlayerElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof AnsdevPlayerElementEventMap>(
    type: K,
    listener: (this: AnsdevPlayerElement, event: AnsdevPlayerElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'ansdev-player': AnsdevPlayerElement;
  }
}
