import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

// Module hooks that run the TypeScript sources: `./x.js` finds `./x.ts` (the sources import
// each other by their compiled names), and a .ts file is compiled by esbuild with the project's
// tsconfig and an inline source map, so stack traces and coverage point at the .ts lines.

const tsconfigRaw = await readFile(new URL('../../tsconfig.json', import.meta.url), 'utf8');

const isTypeScript = (url) => url.startsWith('file:') && new URL(url).pathname.endsWith('.ts');

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL && isTypeScript(context.parentURL) && /^\.\.?\/.*\.js$/.test(specifier)) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(source)) return nextResolve(source.href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!isTypeScript(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: path,
    tsconfigRaw,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
