// The hosted player page (/player/{videoId}?token=…), served as /player-assets/player.js.
//
// It plays the video with the Player SDK and hls.js, both served by this server, on the one
// token its URL carries: the token provider hands out that token with its remaining life and
// answers PLAYBACK_TOKEN_EXPIRED if asked again, and the SDK's prefetch fetches every media
// playlist and the AES key with it and holds them in memory, so that token plays the whole
// video. The page shows the token's state, the position and any error code as it goes.
import Hls from './hls.min.mjs';
import init, { AnsdevPlayer, attach } from './js/index.js';

const root = document.getElementById('ansdev-player');
const video = document.getElementById('ansdev-video');
const field = (name) => document.getElementById(`ansdev-${name}`);
const page = root.dataset;
const openedAt = performance.now();
const lifeAtOpen = Number(page.expiresIn);
const shown = { tokens: 0, refreshes: 0 };

/** Seconds of life the URL's token has left, on this page's monotonic clock. */
const tokenLeft = () => lifeAtOpen - (performance.now() - openedAt) / 1000;

function showError(code, message) {
  root.classList.add('has-error');
  page.state = 'error';
  page.error = code;
  field('error').textContent = code;
  field('error-message').textContent = message || '';
}

function render() {
  const left = tokenLeft();
  field('expires-in').textContent =
    left > 0 ? `${Math.ceil(left)} s` : 'expired (playlists and key are held in memory)';
  page.tokenLeft = String(Math.max(0, Math.ceil(left)));
  field('refresh-count').textContent = String(shown.refreshes);
  page.refreshCount = String(shown.refreshes);
  const duration = Number.isFinite(video.duration) ? ` / ${video.duration.toFixed(1)} s` : '';
  field('position').textContent = `${video.currentTime.toFixed(1)} s${duration}`;
  page.position = video.currentTime.toFixed(1);
}

async function main() {
  render();
  setInterval(render, 250);
  video.addEventListener('timeupdate', render);
  video.addEventListener('playing', () => {
    if (page.state !== 'error') page.state = 'playing';
  });
  video.addEventListener('ended', () => {
    if (page.state !== 'error') page.state = 'ended';
  });

  await init();
  const player = new AnsdevPlayer({
    baseUrl: page.baseUrl,
    jobId: page.jobId,
    videoId: page.videoId,
    // This page has no backend to mint with: the URL's token is all there is.
    tokenProvider: async () => {
      const left = Math.floor(tokenLeft());
      if (shown.tokens === 0 && left > 0) {
        shown.tokens += 1;
        return { token: page.token, expiresIn: left };
      }
      throw {
        code: 'PLAYBACK_TOKEN_EXPIRED',
        status: 401,
        retryable: false,
        message: 'This page holds only the token of its URL: open a fresh playerUrl.',
      };
    },
  });
  player.on('tokenRefreshed', (event) => {
    shown.refreshes = Math.max(0, event.generation - 1);
    render();
  });
  player.on('error', (error) => showError(error.code, error.message));

  const hls = await attach(video, player, Hls, {}, { prefetch: true });
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) showError(`HLS_${data.details}`, data.error ? data.error.message : '');
  });
  page.state = 'loading';
  window.ansdevPlayer = { player, hls };
}

main().catch((error) => showError(error.code || 'PAGE_ERROR', error.message));
