import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// `npm start`'s prestart (scripts/build-if-stale.mjs), run in a project of its shape whose build
// writes dist/cli.js and counts itself: it builds when dist/ is missing or older than its sources.

const SCRIPT = fileURLToPath(new URL('../scripts/build-if-stale.mjs', import.meta.url));
const BUILD =
  "require('node:fs').mkdirSync('dist',{recursive:true});require('node:fs').writeFileSync('dist/cli.js','');require('node:fs').appendFileSync('builds','x')";

t.test('prestart builds a missing or older dist/ and leaves a newer one alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-prestart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { build: `node -e "${BUILD}"` } }));
  writeFileSync(join(dir, 'tsconfig.json'), '{}');
  mkdirSync(join(dir, 'src/generated'), { recursive: true });
  writeFileSync(join(dir, 'src/cli.ts'), '');
  const builds = () => {
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
    t.equal(run.status, 0, run.stderr);
    return readFileSync(join(dir, 'builds'), 'utf8').length;
  };
  const age = (path: string, seconds: number) => utimesSync(join(dir, path), Date.now() / 1000 + seconds, Date.now() / 1000 + seconds);

  t.equal(builds(), 1, 'no dist/: built');
  t.equal(builds(), 1, 'dist/ newer than the sources: not built again');
  age('src/generated', 60);
  writeFileSync(join(dir, 'src/generated/validators.ts'), '');
  age('src/generated/validators.ts', 60);
  t.equal(builds(), 1, 'src/generated/ newer (npm test rewrote it): not built again');
  age('src/cli.ts', 60);
  t.equal(builds(), 2, 'a source newer than dist/: built');
  age('package.json', 120);
  t.equal(builds(), 3, 'package.json newer than dist/: built');
});
