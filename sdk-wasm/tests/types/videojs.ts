// What a strict-TypeScript application writes against `@ansdev/player/videojs` with video.js's
// own declarations (type-checked by `tsc --noEmit -p sdk-wasm`, never run): a real Video.js
// player fits `attachVideojs`, and the promise resolves to that same player type.
// (video.js ships declarations that `export default videojs` from CommonJS; under NodeNext that
// default is `.default` of the module, under a bundler's resolution it is the import itself.)
import type videojsModule from 'video.js';
import init, { AnsdevPlayer } from '@ansdev/player';
import { attachVideojs } from '@ansdev/player/videojs';

declare const videojs: typeof videojsModule.default;

await init();
const player = new AnsdevPlayer({ jobId: 'job_1', keepWarm: true, tokenProvider: async () => ({ token: 'tok', expiresIn: 300 }) });
const vjs = await attachVideojs(videojs('video'), player);
const position: number = vjs.currentTime() ?? 0;
void position;
vjs.dispose();
player.free();
// @ts-expect-error the Video.js player is required
await attachVideojs(player);
