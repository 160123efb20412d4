import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FixtureError, validateFixture, type FixtureDocument } from './fixture-document.js';

export const DEFAULT_FIXTURE = fileURLToPath(new URL('../../fixtures/default.json', import.meta.url));

export class FixtureFileError extends Error {}

function readOne(file: string): FixtureDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FixtureFileError(`fixture ${file}: ${(err as Error).message}`);
  }
  try {
    return validateFixture(parsed);
  } catch (err) {
    if (err instanceof FixtureError) throw new FixtureFileError(`fixture ${file}: ${err.where}: ${err.problem}`);
    throw err;
  }
}

/** Reads a fixture document, or every *.json document of a folder in name order. */
export function readFixtures(location: string): FixtureDocument[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(location).isDirectory();
  } catch (err) {
    throw new FixtureFileError(`fixture ${location}: ${(err as Error).message}`);
  }
  if (!isFolder) return [readOne(location)];
  const files = readdirSync(location).filter((name) => name.endsWith('.json')).sort();
  if (files.length === 0) throw new FixtureFileError(`fixture ${location}: the folder holds no .json document`);
  return files.map((name) => readOne(join(location, name)));
}
