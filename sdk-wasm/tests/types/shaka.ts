// What a strict-TypeScript application writes against `@ansdev/player/shaka` with shaka-player's
// own declarations (type-checked by `tsc --noEmit -p sdk-wasm`, never run): the real `shaka`
// namespace fits `attachShaka`, and the promise resolves to shaka's own `Player` type.
// (shaka-player ships CommonJS whose declarations `export default shaka`; under NodeNext that
// default is `.default` of the module, under a bundler's resolution it is the import itself.)
import type shakaModule from 'shaka-player';
import init, { AnsdevPlayer } from '@ansdev/player';
import { attachShaka, configureShaka } from '@ansdev/player/shaka';

declare const shaka: typeof shakaModule.default;
declare const video: HTMLVideoElement;

await init();
const player = new AnsdevPlayer({ jobId: 'job_1', tokenProvider: async () => ({ token: 'tok', expiresIn: 300 }) });
const shakaPlayer = await attachShaka(video, player, shaka, { abr: { enabled: false } });
const tracks: shakaModule.default.extern.Track[] = shakaPlayer.getVariantTracks();
void tracks;
configureShaka(new shaka.Player(), player, shaka);
// @ts-expect-error the shaka namespace is required
await attachShaka(video, player);
