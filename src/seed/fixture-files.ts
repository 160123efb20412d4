import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from '../package-root.js';
import { textSource, type FixtureSource } from './fixture-loader.js';

/** The default dataset, shipped with the package. */
export const DEFAULT_FIXTURE = packageFile('fixtures/default.json');

/** A fixture file or folder that cannot be read (start-up refuses it with this message). */
export class FixtureFileError extends Error {}

const CHUNK = 1 << 20;

/** A file read in chunks, so that its size does not matter. */
function* chunksOf(file: string): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new FixtureFileError(`fixture ${file}: ${(err as Error).message}`);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = readSync(fd, buffer, 0, CHUNK, null)) > 0; ) yield buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A fixture document file, or every *.json document of a folder in name order, as sources to load. */
export function fixtureFiles(location: string): FixtureSource[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(location).isDirectory();
  } catch (err) {
    throw new FixtureFileError(`fixture ${location}: ${(err as Error).message}`);
  }
  const files = isFolder ? readdirSync(location).filter((name) => name.endsWith('.json')).sort().map((name) => join(location, name)) : [location];
  if (files.length === 0) throw new FixtureFileError(`fixture ${location}: the folder holds no .json document`);
  return files.map((file) => textSource(file, () => chunksOf(file)));
}
