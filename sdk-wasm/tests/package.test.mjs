// The npm package as a consumer's tools see it: the value exports each entry's .d.ts declares
// exist at run time (a bundler refuses an import the runtime lacks), and the tarball carries
// the license files. Run after scripts/build-wasm.sh:
//   node --test sdk-wasm/tests/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url);

/**
 * The value (not type-only) exports a hand-written entry .d.ts declares: names in
 * `export { … } from`, `export function`, `export const`, `export class`, and `default`.
 * `export *` is refused outright: it re-exports whatever the generated glue declares.
 * @param {string} text
 */
function valueExports(text) {
  assert.ok(!/^export \*/m.test(text), 'no `export *` in an entry .d.ts');
  const names = new Set();
  for (const [, list] of text.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const name of (list ?? '').split(',')) {
      const trimmed = name.trim();
      if (trimmed && !trimmed.startsWith('type ')) names.add(trimmed.split(/\s+as\s+/).pop());
    }
  }
  for (const [, name] of text.matchAll(/^export (?:function|const|class) (\w+)/gm)) names.add(name);
  if (/^export default /m.test(text)) names.add('default');
  return [...names].sort();
}

for (const entry of ['index', 'client', 'element', 'endpoint', 'shaka', 'videojs']) {
  test(`ts5: every value ${entry}.d.ts exports exists in ${entry}.js, and no more (no initSync)`, async () => {
    const declared = valueExports(await readFile(new URL(`js/${entry}.d.ts`, root), 'utf8'));
    const runtime = Object.keys(await import(new URL(`js/${entry}.js`, root).href)).sort();
    assert.deepEqual(declared, runtime);
    assert.ok(!declared.includes('initSync'));
  });
}

test('ts5: the packed tarball carries LICENSE-MIT and LICENSE-APACHE', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files = JSON.parse(out)[0].files.map((/** @type {{ path: string }} */ f) => f.path);
  for (const name of ['LICENSE-MIT', 'LICENSE-APACHE', 'js/errors.js', 'js/errors.d.ts', 'js/lifecycle.js', 'js/element.js', 'js/element.d.ts', 'js/endpoint.js', 'js/shaka.js', 'js/shaka.d.ts', 'js/videojs.js', 'js/videojs.d.ts']) {
    assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
  }
});
