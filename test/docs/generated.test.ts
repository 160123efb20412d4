import { readFileSync } from 'node:fs';
import t from 'tap';
import { FIXTURE_SCHEMA_FILE, fixtureSchemaText, README_FILE, readmeText } from '../../scripts/generate-docs.js';
import { validatorsFile, validatorsText, type ValidatorSet } from '../../scripts/generate-validators.js';

// Files written from the schemas: the committed documents must be what the schemas write now
// (`npm run docs` rewrites them); the validators in src/generated/ (not committed, written
// before the build, `npm test` and `npm run dev`) must not be stale.

t.test('fixtures/fixture.schema.json is the fixture schema', async (t) => {
  t.equal(readFileSync(FIXTURE_SCHEMA_FILE, 'utf8'), fixtureSchemaText(), 'run `npm run docs` after changing src/model/fixture-schema.ts');
});

t.test("the README's option table is the option schema", async (t) => {
  const readme = readFileSync(README_FILE, 'utf8');
  t.equal(readme, readmeText(readme), 'run `npm run docs` after changing src/model/option-schema.ts');
});

t.test('src/generated/ holds the options, fixture and query schemas, compiled', async (t) => {
  // A compare of the text only: the option, fixture and query tests run these validators.
  for (const set of ['options', 'fixtures', 'queries'] satisfies ValidatorSet[]) {
    t.equal(readFileSync(validatorsFile(set), 'utf8'), validatorsText(set), `run \`npm run generate\` after changing the ${set} schemas`);
  }
});
