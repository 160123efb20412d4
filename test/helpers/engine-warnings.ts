import { readFileSync } from 'node:fs';

// What the README tells users npm warns `EBADENGINE` about on Node.js 20 ("Use it from another
// project"): the tests hold the lockfile and a real install to exactly that list.

/** The package names the README lists after "warns `EBADENGINE` for", up to ", which". */
export function documentedEngineWarnings(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const list = /warns `EBADENGINE` for (.*?), which/.exec(readme)?.[1] ?? '';
  return [...list.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The package name of a `name@version` or a lockfile path. */
export function packageName(spec: string): string {
  const path = spec.replace(/^.*node_modules\//, '');
  return path.slice(0, path.lastIndexOf('@') > 0 ? path.lastIndexOf('@') : undefined);
}
