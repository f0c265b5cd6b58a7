// The page of examples/src/bin/player-backend.rs: plays the video with the Player SDK in
// token-provider mode; its tokens come from this backend, which holds the API key.
import Hls from '/node_modules/hls.js/dist/hls.min.mjs';
import init, { AnsdevPlayer, attach } from '/node_modules/@ansdev/player/js/index.js';

const root = document.getElementById('app');
const video = document.getElementById('video');
const show = (id, text) => (document.getElementById(id).textContent = text);
let tokens = 0;

function fail(code, message) {
  root.dataset.state = 'error';
  show('error', `${code}${message ? ` — ${message}` : ''}`);
}

async function main() {
  const { baseUrl, videoId, jobId } = await (await fetch('/config.json')).json();
  await init();
  const player = new AnsdevPlayer({
    baseUrl,
    jobId,
    videoId,
    // Called only when a token is needed; concurrent needs share one call.
    tokenProvider: async (id) => {
      const answer = await fetch(`/playback-token/${encodeURIComponent(id)}`);
      const body = await answer.json();
      if (!answer.ok) throw { ...body.error, status: answer.status };
      tokens += 1;
      show('tokens', String(tokens));
      return { token: body.token, expiresIn: body.expiresIn };
    },
  });
  player.on('error', (e) => fail(e.code, e.message));
  const hls = await attach(video, player, Hls);
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
  hls.on(Hls.Events.ERROR, (_event, data) => data.fatal && fail(`HLS_${data.details}`));
  video.addEventListener('timeupdate', () => show('position', `${video.currentTime.toFixed(1)} s`));
  video.addEventListener('playing', () => (root.dataset.state = 'playing'));
}

main().catch((error) => fail(error.code ?? 'PAGE_ERROR', error.message));
