import { readFileSync } from 'node:fs';
import t from 'tap';
import { FIXTURE_SCHEMA_FILE, fixtureSchemaText, QUERY_VALIDATORS_FILE, README_FILE, readmeText, VALIDATORS_FILE, validatorsText } from '../tools/generated-docs.js';

// Files written from the schemas are committed; they must be what the schemas write now
// (`npm run docs` rewrites them).

t.test('fixtures/fixture.schema.json is the fixture schema', async (t) => {
  t.equal(readFileSync(FIXTURE_SCHEMA_FILE, 'utf8'), fixtureSchemaText(), 'run `npm run docs` after changing src/model/fixture-schema.ts');
});

t.test("the README's option table is the option schema", async (t) => {
  const readme = readFileSync(README_FILE, 'utf8');
  t.equal(readme, readmeText(readme), 'run `npm run docs` after changing src/model/options.ts');
});

t.test('src/generated/validators.ts is the options and fixture schemas, compiled', async (t) => {
  // A compare of the text only: the option and fixture tests run these validators.
  t.equal(readFileSync(VALIDATORS_FILE, 'utf8'), validatorsText(), 'run `npm run docs` after changing a schema the start-up validates with');
  t.equal(readFileSync(QUERY_VALIDATORS_FILE, 'utf8'), validatorsText(true), 'run `npm run docs` after changing src/atlas/query.ts');
});
