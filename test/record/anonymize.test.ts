import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { record, startEmulator } from '../../src/index.js';
import { CLUSTERS, fakeTime, GROUP, listPages, LISTS, Reader, recordOptions, scratch, startSource } from './atlas-source.js';

// --anonymize: an emulator started from an anonymized recording has the same clusters, lists,
// counts, times and relationships as the source, every identifying value replaced by one
// pseudonym wherever it appears, and none of the source's left in the file.

const { source, reader } = await startSource();
t.teardown(() => source.close());
const { dir } = scratch(t);

/** The fields whose values identify the source (the rest must come through unchanged). */
const IDENTIFYING = new Set([
  'id',
  'clusterId',
  'groupId',
  'batchId',
  'checkpointId',
  'snapshotId',
  'targetClusterId',
  'targetGroupId',
  'clusterName',
  'targetClusterName',
  'replicaSetName',
  'shardName',
  'machineId',
  'masterKeyUUID',
  'hash',
  'fileName',
  'url',
  'urlV2',
  'authValue',
]);

/**
 * Walks a source value and its anonymized counterpart side by side: the same shape, the same
 * values but for identifying ones, and those rewritten one to one (`pseudonyms` in both
 * directions), so that a value and its pseudonym stand for each other everywhere.
 */
function compare(t: Test, original: unknown, anonymized: unknown, pseudonyms: Map<string, string>, where: string): void {
  if (Array.isArray(original)) {
    if (!Array.isArray(anonymized) || anonymized.length !== original.length)
      return void t.fail(`${where}: not an array of ${original.length}`);
    for (const [i, value] of original.entries()) compare(t, value, anonymized[i], pseudonyms, `${where}[${i}]`);
    return;
  }
  if (original !== null && typeof original === 'object') {
    const keys = Object.keys(original).filter((key) => key !== 'links');
    const other = anonymized as Record<string, unknown>;
    if (JSON.stringify(Object.keys(other).filter((key) => key !== 'links')) !== JSON.stringify(keys))
      return void t.fail(`${where}: other fields`);
    for (const key of keys) {
      const value = (original as Record<string, unknown>)[key];
      if (IDENTIFYING.has(key) && typeof value === 'string') {
        const pseudonym = other[key] as string;
        if (pseudonym === value || typeof pseudonym !== 'string') return void t.fail(`${where}.${key}: ${value} kept`);
        if ((pseudonyms.get(value) ?? pseudonym) !== pseudonym || (pseudonyms.get(`=${pseudonym}`) ?? value) !== value)
          return void t.fail(`${where}.${key}: ${value} rewritten two ways`);
        pseudonyms.set(value, pseudonym).set(`=${pseudonym}`, value);
      } else {
        compare(t, value, other[key], pseudonyms, `${where}.${key}`);
      }
    }
    return;
  }
  if (original !== anonymized) t.fail(`${where}: ${JSON.stringify(original)} became ${JSON.stringify(anonymized)}`);
}

t.test('an anonymized recording keeps shapes, counts, times and relationships, and nothing of the source', async (t) => {
  const out = join(dir, 'anonymized.json');
  await record(recordOptions(source, out, { anonymize: true, seed: 5 }), fakeTime());
  const text = readFileSync(out, 'utf8');
  const document = JSON.parse(text);
  const group = document.projects[0].id as string;
  const names = (document.projects[0].clusters as { name: string }[]).map((c) => c.name);
  t.match(group, /^[a-f0-9]{24}$/);
  t.equal(new Set(names).size, CLUSTERS.length, 'as many distinct cluster names');

  const replay = await startEmulator({ fixtures: out, logLevel: 'silent' });
  t.teardown(() => replay.close());
  const replayReader = new Reader(replay.app, 'localhost');
  const pseudonyms = new Map<string, string>([
    [GROUP, group],
    [`=${group}`, GROUP],
  ]);
  let items = 0;
  for (const [i, cluster] of CLUSTERS.entries()) {
    pseudonyms.set(cluster, names[i]!).set(`=${names[i]}`, cluster);
    for (const [collection, query] of LISTS) {
      const originals = await listPages(reader, GROUP, cluster, collection, query);
      const anonymized = await listPages(replayReader, group, names[i]!, collection, query);
      compare(
        t,
        originals.map((page) => page.results),
        anonymized.map((page) => page.results),
        pseudonyms,
        `${cluster} ${collection}`,
      );
      t.same(
        anonymized.map((page) => page.totalCount),
        originals.map((page) => page.totalCount),
        `${cluster} ${collection}: the same counts`,
      );
      items += originals.reduce((n, page) => n + page.results.length, 0);
    }
  }
  t.equal(items, 1755, 'every item compared');

  // Every identifying value of the source, and its host, searched for in the file.
  const originals = [...pseudonyms.keys()].filter((value) => !value.startsWith('='));
  originals.push(new URL(source.url).host, '127.0.0.1', ...CLUSTERS.map((name) => name.toLowerCase()));
  t.equal(originals.filter((value) => text.includes(value)).length, 0, `none of ${originals.length} source values left in the file`);
  const urls = originals.filter((value) => value.startsWith('http')).length;
  t.ok(urls > 500, `download URLs among them (${urls})`);
});

t.test('the same seed gives the same bytes, another seed other pseudonyms', async (t) => {
  const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((name) => join(dir, name));
  await record(recordOptions(source, a!, { anonymize: true, seed: 5, clusters: ['Replica0'] }), fakeTime());
  await record(recordOptions(source, b!, { anonymize: true, seed: 5, clusters: ['Replica0'] }), fakeTime());
  await record(recordOptions(source, c!, { anonymize: true, seed: 6, clusters: ['Replica0'] }), fakeTime());
  t.equal(readFileSync(b!, 'utf8'), readFileSync(a!, 'utf8'));
  t.not(readFileSync(c!, 'utf8'), readFileSync(a!, 'utf8'));
});
