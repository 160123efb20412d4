import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { EMULATOR_OPTIONS } from '../../src/model/options.js';
import { ROOT } from '../helpers/doc-examples.js';

// What a new user reads in the README's first pages says what it means: the in-process options'
// names, the Go SDK's names before and after the rename, and no project jargon left unexplained.

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const flat = readme.replace(/\s+/g, ' ');

t.test("startEmulator()'s options are said to be camelCase, with an example the options hold", async (t) => {
  const said = /`startEmulator\(\)` takes the same options in camelCase[^(]*\(`--([a-z-]+) ([^`]+)`: `\{ (\w+): ([^ ]+) \}`\)/.exec(flat);
  if (!said) return t.fail('the sentence and its example');
  const [, flag, value, key, keyValue] = said;
  t.equal(EMULATOR_OPTIONS.flagName(key!), `--${flag}`, 'the example maps a flag to its option');
  t.equal(keyValue, value, 'with the same value');
});

t.test("the Go SDK's method names: which are the new ones and which the old", async (t) => {
  const fidelity = readFileSync(join(ROOT, 'docs/fidelity.md'), 'utf8');
  // The short names of the eleven operations (the table's third column), as the SDK spells them.
  const shortNames = new Set(
    [...fidelity.matchAll(/^\| `[A-Z]+ [^|]+ \| `\w+` \| `(\w+)` \|/gm)].map(([, n]) => n![0]!.toUpperCase() + n!.slice(1)),
  );
  t.equal(shortNames.size, 11);
  const current = /`LegacyBackupApi\.(\w+)`, `(\w+)`, …/.exec(flat);
  const old = /call them by their old names: `(\w+)`, `(\w+)`, …/.exec(flat);
  t.ok(current && old, 'both sentences');
  for (const name of current?.slice(1) ?? []) t.ok(shortNames.has(name), `${name} is a current name`);
  for (const name of old?.slice(1) ?? []) t.notOk(shortNames.has(name), `${name} is no current name`);
});

t.test('the README uses no "fast tier": it says what the tests are', async (t) => {
  t.notMatch(readme, /fast tier/i);
});
