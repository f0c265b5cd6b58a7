// Opens a player page in headless Chromium and waits until its video plays past a position:
//   node sdk-wasm/tests/e2e/open-player.mjs URL [SECONDS]
// Exits 0 once `currentTime` passes SECONDS (default 12) with no error shown on the page, 1
// otherwise. scripts/demo.sh --check uses it on the hosted player page.
import { openUrl } from './harness.mjs';

const [url, seconds = '12'] = process.argv.slice(2);
if (!url) {
  console.error('usage: open-player.mjs URL [SECONDS]');
  process.exit(2);
}
const limit = Number(seconds);
const browser = await openUrl(url);
let code = 1;
try {
  const { page } = browser;
  await page.waitForFunction(
    (l) => {
      const video = document.querySelector('video');
      const error = document.getElementById('ansdev-error');
      return (video && video.currentTime > l) || (error && error.textContent !== 'none');
    },
    limit,
    { timeout: (limit + 60) * 1000, polling: 250 },
  );
  const state = await page.evaluate(() => ({
    position: document.querySelector('video').currentTime,
    error: document.getElementById('ansdev-error')?.textContent ?? 'none',
    expiresIn: document.getElementById('ansdev-expires-in')?.textContent,
    refreshes: document.getElementById('ansdev-refresh-count')?.textContent,
    quota: document.getElementById('ansdev-quota')?.textContent,
  }));
  console.log(
    `player page: played to ${state.position.toFixed(1)} s; token: ${state.expiresIn}; ` +
      `refreshes: ${state.refreshes}; quota: ${state.quota}; error: ${state.error}`,
  );
  if (state.error === 'none' && state.position > limit) code = 0;
} catch (error) {
  console.error(`player page did not play: ${error.message}`);
} finally {
  await browser.close();
}
process.exit(code);
