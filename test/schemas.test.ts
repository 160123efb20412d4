import { Ajv } from 'ajv';
import t from 'tap';
import * as backup from '../src/model/backup-schemas.js';
import * as query from '../src/model/query-schemas.js';
import * as values from '../src/model/value-schemas.js';
import * as control from '../src/model/control-schemas.js';
import * as options from '../src/model/options.js';
import * as fixtures from '../src/model/fixture-schema.js';
import { createAjv } from '../src/lib/validation.js';

// The emulator compiles its schemas without checking them against the JSON Schema
// meta-schema (that cost 30 ms of every start): this checks every one of them, once.

const modules: Record<string, unknown>[] = [backup, query, values, control, options, fixtures];
const schemas = modules
  .flatMap((exports) => Object.entries(exports))
  .filter(
    (entry): entry is [string, object] => entry[0].endsWith('Schema') && typeof entry[1] === 'object' && !(entry[1] instanceof RegExp),
  );

t.test('every schema is valid against the meta-schema and compiles in strict mode', async (t) => {
  t.ok(schemas.length >= 40, `${schemas.length} schemas`);
  const meta = new Ajv({ strict: false });
  for (const [name, schema] of schemas) {
    t.ok(meta.validateSchema(schema), `${name}: ${meta.errorsText(meta.errors)}`);
    t.doesNotThrow(() => createAjv().compile(schema), `${name} compiles`);
  }
  t.notOk(meta.validateSchema({ type: 'object', properties: { a: { type: 'strnig' } } }), 'a bad schema is caught');
});
