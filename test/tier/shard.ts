import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The fast tier runs its test files a few to a process: each process pays for tap, the
// TypeScript loader and coverage once (about 2 s of CPU), not once per file. Every
// *.test.ts under test/ belongs to it but the system and Docker tiers and the examples (a
// user's suite, with file-wide hooks, runs in its own process); each file is in exactly one
// shard, chosen by its place in the sorted list. A file still runs alone with `npx tap FILE`.

const TEST_ROOT = fileURLToPath(new URL('../', import.meta.url));
const OWN_PROCESS = new Set(['system', 'docker', 'bench', 'tier', 'examples']);

/** The fast tier's test files, relative to test/, sorted. */
export function fastTierFiles(dir = ''): string[] {
  return readdirSync(TEST_ROOT + dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = dir + entry.name;
      if (entry.isDirectory()) return OWN_PROCESS.has(path) ? [] : fastTierFiles(`${path}/`);
      return path.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

/** Imports (and so runs) the files of shard `index` (from 0) of `count`. */
export async function runShard(index: number, count: number): Promise<void> {
  for (const [i, file] of fastTierFiles().entries()) {
    if (i % count === index) await import(new URL(`../${file}`, import.meta.url).href);
  }
}
