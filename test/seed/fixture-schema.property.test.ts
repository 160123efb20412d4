import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isAccessListEntry } from '../../src/lib/access-list.js';
import { buildTestApp, load } from '../helpers/test-app.js';
import { propertyParameters } from '../helpers/property.js';

// The published JSON Schema of the fixture document (fixtures/fixture.schema.json) and the
// loader agree: documents the schema accepts load, documents it refuses are refused by the
// loader naming a place the schema names. The schema is checked here by its own Ajv, as an
// editor or a user's CI would check a fixture file.

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const published = JSON.parse(readFileSync(new URL('fixture.schema.json', FIXTURES), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv, formats: string[]) => void)(ajv, ['date-time', 'uuid']);
ajv.addFormat('ip-or-cidr', isAccessListEntry);
const validate = ajv.compile(published);

/** The places Ajv names: `$.projects[0].id`, with the missing or unknown key appended. */
function schemaPlaces(errors: ErrorObject[]): string[] {
  return errors.map((e) => {
    const key =
      (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ??
      (e.params as { additionalProperty?: string }).additionalProperty;
    const pointer = key === undefined ? e.instancePath : `${e.instancePath}/${key}`;
    return pointer
      .split('/')
      .slice(1)
      .reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : `${text}.${part}`), '$');
  });
}

const hex24 = fc.stringMatching(/^[0-9a-f]{24}$/);
const date = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace('.000Z', 'Z'));
const text = fc.string({ maxLength: 12 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Drops the keys whose value is undefined, as JSON would. */
const defined = <T extends object>(o: T) => JSON.parse(JSON.stringify(o)) as T;

const part = fc
  .record({
    replicaSetName: optional(text),
    shardName: optional(text),
    tokenDiscovered: optional(fc.boolean()),
    tokenTimestamp: optional(fc.record({ date, increment: fc.integer({ min: 0, max: 2 ** 31 - 1 }) })),
    typeName: optional(fc.constantFrom('REPLICA_SET', 'CONFIG_SERVER', 'CONFIG_SERVER_REPLICA_SET')),
  })
  .map(defined);
const checkpoint = fc
  .record({
    id: hex24,
    timestamp: date,
    completed: optional(date),
    started: optional(date),
    restorable: optional(fc.boolean()),
    parts: optional(fc.array(part, { maxLength: 3 })),
  })
  .map(defined);
const cluster = fc
  .record({
    name: fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,20}$/),
    clusterId: hex24,
    type: optional(fc.constantFrom('SHARDED', 'REPLICASET')),
    shards: optional(fc.integer({ min: 1, max: 100 })),
    backup: fc.constantFrom(undefined, 'LEGACY', 'CLOUD'),
    checkpoints: optional(fc.uniqueArray(checkpoint, { maxLength: 4, selector: (c) => c.id })),
    generate: optional(
      fc.record({ count: fc.integer({ min: 0, max: 5 }), intervalMinutes: optional(fc.integer({ min: 1, max: 525_600 })) }).map(defined),
    ),
  })
  // A CLOUD cluster has no checkpoints: the one rule between fields this document keeps.
  .map((c) => defined(c.backup === 'CLOUD' ? { ...c, checkpoints: undefined, generate: undefined } : c));
const project = fc
  .record({ id: hex24, name: optional(text), clusters: optional(fc.uniqueArray(cluster, { maxLength: 3, selector: (c) => c.name })) })
  .map(defined);
const access = fc.record({
  projects: fc.oneof(fc.constant('*'), fc.array(hex24, { maxLength: 2 })),
  accessList: optional(fc.array(fc.constantFrom('10.0.0.0/8', '::1', '192.0.2.7', '2001:db8::/32'), { maxLength: 2 })),
});
const credentialId = fc.stringMatching(/^[A-Za-z0-9._~@+-]{1,20}$/);
const secret = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);
const document = fc
  .record({
    description: optional(text),
    projects: optional(fc.uniqueArray(project, { maxLength: 3, selector: (p) => p.id })),
    apiKeys: optional(
      fc.uniqueArray(
        fc.tuple(credentialId, secret, access).map(([publicKey, privateKey, a]) => defined({ publicKey, privateKey, ...a })),
        { maxLength: 2, selector: (k) => k.publicKey },
      ),
    ),
    serviceAccounts: optional(
      fc.uniqueArray(
        fc.tuple(credentialId, secret, access).map(([clientId, clientSecret, a]) => defined({ clientId, clientSecret, ...a })),
        { maxLength: 2, selector: (k) => k.clientId },
      ),
    ),
  })
  .map(defined);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every object in the document, with where it is. */
function objects(value: Json, path: (string | number)[] = []): [(string | number)[], { [key: string]: Json }][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objects(item, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return [[path, value], ...Object.entries(value).flatMap(([key, item]) => objects(item, [...path, key]))];
}

/** Breaks a thing the schema checks: a type, a pattern, a range, a real date, an unknown or a missing field. */
const BREAKS: ((o: { [key: string]: Json }, key: string) => void)[] = [
  (o, key) => void (o[key] = typeof o[key] === 'string' ? 12 : 'text'),
  (o) => void (o.unexpected = true),
  (o, key) => void delete o[key],
  (o, key) => void (typeof o[key] === 'string' && /T\d\d:/.test(o[key] as string) ? (o[key] = '2019-02-30T00:00:00Z') : (o[key] = [])),
  (o, key) => void (typeof o[key] === 'number' ? (o[key] = -1) : (o[key] = { nested: 1 })),
];

const mutation = document.chain((doc) => {
  const places = objects(doc as Json).flatMap(([path, o]) => Object.keys(o).map((key) => [path, key] as const));
  if (places.length === 0) return fc.constant({ doc, broken: { projects: 5 } as Json });
  // One to three breaks: a refusal names every mistake, and each must be one the schema names.
  const breaks = fc.array(fc.tuple(fc.constantFrom(...places), fc.constantFrom(...BREAKS)), { minLength: 1, maxLength: 3 });
  return breaks.map((list) => {
    const broken = structuredClone(doc) as Json;
    for (const [[path, key], breakIt] of list) {
      const target = path.reduce<Json | undefined>((node, step) => (node as { [k: string]: Json } | undefined)?.[step as string], broken);
      // An earlier break may have replaced or removed the object this one aims at.
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) breakIt(target, key);
    }
    return { doc, broken };
  });
});

t.test('every fixture file in fixtures/ names the published schema and validates against it', async (t) => {
  const files = ['default.json', ...readdirSync(new URL('examples/', FIXTURES)).map((name) => join('examples', name))];
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8'));
    t.match(fixture.$schema, /fixture\.schema\.json$/, `${file} names the schema`);
    t.ok(validate(fixture), `${file} is valid${validate.errors ? `: ${JSON.stringify(validate.errors)}` : ''}`);
  }
});

t.test('documents the schema accepts load', async (t) => {
  const app = buildTestApp(t);
  fc.assert(
    fc.property(document, (doc) => {
      if (!validate(doc)) throw new Error(`the generator made an invalid document: ${JSON.stringify(validate.errors)}`);
      load(app, doc, 'replace');
    }),
    propertyParameters(300),
  );
  t.pass('300 documents');
});

t.test('documents the schema refuses are refused by the loader, at places the schema names', async (t) => {
  const app = buildTestApp(t);
  let refused = 0;
  fc.assert(
    fc.property(mutation, ({ broken }) => {
      if (validate(broken)) return; // some breaks are still valid (a removed optional field)
      refused++;
      const places = schemaPlaces(validate.errors!);
      try {
        load(app, broken, 'replace');
      } catch (err) {
        // Every place the loader names (its parameters), the schema names too.
        const named = (err as { parameters?: string[] }).parameters ?? [];
        if (named.length === 0 || named.some((place) => !places.includes(place)))
          throw new Error(`loader refused at ${named.join(', ')}, schema at ${places.join(', ')}: ${(err as Error).message}`);
        return;
      }
      throw new Error(`the loader accepted a document the schema refuses (${places.join(', ')})`);
    }),
    propertyParameters(600),
  );
  t.ok(refused > 300, `${refused} refused documents checked`);
});
