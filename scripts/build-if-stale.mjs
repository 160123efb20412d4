import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// `npm start`'s first step (prestart): builds dist/ when it is missing or older than what it is
// built from, so that a fresh checkout starts with `npm ci` then `npm start`, and a later start
// neither waits for a build nor rewrites a dist/ another emulator may be running from.
// src/generated/ is left out: `npm test` rewrites it from src/, which is compared already.

/** The newest modification time (ms) of a file, or of the files below a folder. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const entries = readdirSync(path).filter((name) => join(path, name) !== join('src', 'generated'));
  return Math.max(0, ...entries.map((name) => newest(join(path, name))));
}

let built = -1;
try {
  built = statSync(join('dist', 'cli.js')).mtimeMs;
} catch {
  // Not built yet.
}
if (built < Math.max(newest('src'), newest('package.json'), newest('tsconfig.json'))) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  process.exitCode = build.status ?? 1;
}
