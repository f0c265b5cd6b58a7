// What a strict-TypeScript application writes against the package. Type-checked, never run
// (`tsc --noEmit -p sdk-wasm`); each `@ts-expect-error` fails the check if the error it expects
// disappears, i.e. if the types grow loose again.
import init, {
  AnsdevError,
  AnsdevPlayer,
  attach,
  type AnsdevErrorCode,
  type LoaderOptions,
  type ProviderError,
} from '@ansdev/player';
import initClient, {
  AnsdevClient,
  type LoaderOptions as ClientLoaderOptions,
  type RetryOptions,
} from '@ansdev/player/client';

await init();
await initClient();

const player = new AnsdevPlayer({
  jobId: 'job_1',
  tokenProvider: async (videoId) => {
    const answer = await fetch(`/api/playback-token/${videoId}`);
    if (!answer.ok) {
      const failure: ProviderError = { code: 'RATE_LIMIT_EXCEEDED', status: answer.status, retryAfterMs: 1000 };
      throw Object.assign(new Error('backend refused'), failure);
    }
    return { token: 'tok', expiresIn: 300 };
  },
});

// Typed payloads: `e` is a TokenRefreshedEvent, not `any`.
const stop: () => void = player.on('tokenRefreshed', (e) => e.generation);
stop();
player.on('tokenRefreshed', (e) => {
  const generation: number = e.generation;
  // @ts-expect-error a wrong payload field is rejected
  void e.generaton;
  return generation;
});
player.on('quotaLow', (e) => e.remaining);
player.on('error', (e) => {
  const code: AnsdevErrorCode = e.code;
  // @ts-expect-error the code is a union, not any string
  const wrong: 'NOT_A_CODE' = e.code;
  void wrong;
  return code;
});
// @ts-expect-error an unknown event name is rejected
player.on('tokenRefresh', () => {});
// @ts-expect-error a listener of another event's payload is rejected
player.on('quotaLow', (e: { generation: number }) => e.generation);

try {
  await player.token();
} catch (error) {
  if (error instanceof AnsdevError) {
    switch (error.code) {
      case 'RATE_LIMIT_EXCEEDED':
        console.log(error.retryAfterMs, error.cause);
        break;
      case 'PLAYER_FREED':
      case 'NOT_INITIALIZED':
        break;
      // @ts-expect-error not a code of the union
      case 'NO_SUCH_CODE':
        break;
    }
  }
}

const options: LoaderOptions = { prefetch: false };
const clientOptions: ClientLoaderOptions = options;
void clientOptions;
declare const video: HTMLVideoElement;
declare const Hls: {
  new (config?: Record<string, unknown>): {
    attachMedia(v: HTMLMediaElement): void;
    loadSource(url: string): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    destroy(): void;
  };
  DefaultConfig: { loader: new (config: unknown) => unknown };
  Events: { DESTROYING: string };
};
const hls = await attach(video, player, Hls, {}, options);
hls.destroy();
player.free();

const client = new AnsdevClient({
  apiKey: 'key',
  deadlineMs: 20_000,
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000, maxQuotaWaitMs: 0 } satisfies RetryOptions,
});
// @ts-expect-error a misspelt retry option is rejected
void new AnsdevClient({ apiKey: 'key', retry: { maxAttempt: 2 } });
try {
  await client.getVideo('vid_1');
} catch (error) {
  if (error instanceof AnsdevError && (error.code === 'REDIRECT_REFUSED' || error.code === 'BODY_TOO_LARGE')) {
    console.log(error.kind);
  }
}
const off = client.on('error', (e) => e.videoId);
off();
const clientPlayer = await client.player('vid_1');
clientPlayer.on('tokenRefreshed', (e) => e.expiresIn);
client.free();

// A client's players plug into the same hls.js integration.
const clientHls = await attach(video, clientPlayer, Hls);
clientHls.destroy();
