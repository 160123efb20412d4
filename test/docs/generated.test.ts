import { readFileSync } from 'node:fs';
import t from 'tap';
import { FIXTURE_SCHEMA_FILE, fixtureSchemaText, README_FILE, readmeText } from '../tools/generated-docs.js';

// Files written from the schemas are committed; they must be what the schemas write now
// (`npm run docs` rewrites them).

t.test('fixtures/fixture.schema.json is the fixture schema', async (t) => {
  t.equal(readFileSync(FIXTURE_SCHEMA_FILE, 'utf8'), fixtureSchemaText(), 'run `npm run docs` after changing src/seed/fixture-schema.ts');
});

t.test("the README's option table is the option schema", async (t) => {
  const readme = readFileSync(README_FILE, 'utf8');
  t.equal(readme, readmeText(readme), 'run `npm run docs` after changing src/options.ts');
});
