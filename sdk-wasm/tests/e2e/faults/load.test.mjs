// Browser load, small enough for CI: 5 players in one Chromium against one server, every one
// playing past one token lifetime; mints, key deliveries and the quota exact. The full 50-player
// run is scripts/load.sh.
import { test } from 'node:test';

import { TTL, figure } from './fault-harness.mjs';
import { playersPlayThrough } from './players-load.mjs';

test('l4 five concurrent players in one Chromium each play through; mints and quota exact', { timeout: 300_000 }, async () => {
  figure('l4 load 5 players / hls.js', await playersPlayThrough(5, TTL));
});
