import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import t from 'tap';
import type { FixtureDocument } from '../../src/model/fixture-schema.js';
import { buildTestApp, digestHeader, GROUP, load, parseChallenge, reloadStartup } from '../helpers/test-app.js';

// Control-plane writes (fixture loads replacing the data, resets to the start-up data)
// interleaved with a stream of reads over a real socket: no page is ever torn, that is, its
// totalCount, its results and the data set they come from always agree.

const PATH = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`;
const READERS = 8;
const READS_PER_READER = 100;

function dataset(clusterId: string, count: number): FixtureDocument {
  return {
    projects: [
      {
        id: GROUP,
        name: 'Project0',
        clusters: [{ name: 'Cluster0', clusterId, type: 'REPLICASET', shards: 1, backup: 'LEGACY', checkpoints: [], generate: { count } }],
      },
    ],
  };
}

t.test('no torn page while fixtures load and the store resets', async (t) => {
  const app = buildTestApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { store } = app.emulator;

  // Each data set is recognisable by its cluster's size and its clusterId.
  const A = { clusterId: 'aaaaaaaaaaaaaaaaaaaaaaaa', count: 15 };
  const B = { clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb', count: 42 };
  const startup = store.cluster(GROUP, 'Cluster0')!;
  const expectedClusterId = new Map<number, string>([
    [A.count, A.clusterId],
    [B.count, B.clusterId],
    [startup.checkpointCount, startup.clusterId],
  ]);
  const writes = [
    () => load(app, dataset(A.clusterId, A.count), 'replace'),
    () => load(app, dataset(B.clusterId, B.count), 'replace'),
    () => reloadStartup(app),
  ];

  const challenge = await fetch(base + PATH);
  const nonce = parseChallenge(challenge.headers.get('www-authenticate')!).nonce!;
  let nc = 1;
  let reading = true;
  let writeCount = 0;
  const writer = (async () => {
    while (reading) {
      writes[writeCount++ % writes.length]!();
      await yieldToIo();
    }
  })();

  const torn: string[] = [];
  const seen = new Set<number>();
  const reader = async (id: number) => {
    for (let i = 0; i < READS_PER_READER; i++) {
      const itemsPerPage = [3, 10, 50][(id + i) % 3]!;
      const pageNum = 1 + ((id * 7 + i) % 5);
      const uri = `${PATH}?itemsPerPage=${itemsPerPage}&pageNum=${pageNum}`;
      const res = await fetch(base + uri, { headers: { authorization: digestHeader({ method: 'GET', uri, nonce, nc: nc++ }) } });
      if (res.status !== 200) {
        torn.push(`${uri}: status ${res.status}`);
        continue;
      }
      const page = (await res.json()) as { totalCount: number; results: { clusterId: string }[] };
      seen.add(page.totalCount);
      const expected = Math.max(0, Math.min(itemsPerPage, page.totalCount - (pageNum - 1) * itemsPerPage));
      const clusterId = expectedClusterId.get(page.totalCount);
      if (page.results.length !== expected || page.results.some((r) => r.clusterId !== clusterId)) {
        torn.push(
          `${uri}: totalCount ${page.totalCount}, ${page.results.length} results, clusterIds ${[...new Set(page.results.map((r) => r.clusterId))].join()}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: READERS }, (_, id) => reader(id)));
  reading = false;
  await writer;

  t.same(torn, [], 'every page agrees with itself');
  t.ok(writeCount >= 30, `${writeCount} writes interleaved with ${READERS * READS_PER_READER} reads`);
  t.same(
    [...seen].sort((a, b) => a - b),
    [...expectedClusterId.keys()].sort((a, b) => a - b),
    'reads saw every data set',
  );
});
