import t from 'tap';
import { generateCheckpoints, isoSeconds, REFERENCE_DATE } from '../../src/backup/generate.js';

// The generator writes each checkpoint's JSON from fragments (seeding speed); the text must be
// what JSON.stringify gives for the checkpoint, in Atlas's field order, whatever the cluster.

const CHECKPOINT_KEYS = ['clusterId', 'completed', 'groupId', 'id', 'parts', 'restorable', 'started', 'timestamp'];
const CLUSTERS = [
  { name: 'Cluster0', clusterId: '6b8cd61180eef547110159d9', type: 'SHARDED' as const, shards: 2 },
  { name: 'rs-only', clusterId: 'aaaaaaaaaaaaaaaaaaaaaaaa', type: 'REPLICASET' as const, shards: 1 },
  { name: 'Five-Shards', clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb', type: 'SHARDED' as const, shards: 5 },
];

t.test('generated JSON is compact JSON in Atlas field order, one part per shard plus the config server', async (t) => {
  for (const cluster of CLUSTERS) {
    const rows = [...generateCheckpoints({ seed: 7, groupId: '6b8cd3c380eef5349ef77af7', cluster, count: 200, intervalMinutes: 90, after: REFERENCE_DATE })];
    t.equal(rows.length, 200);
    let notRestorable = 0;
    for (const row of rows) {
      const checkpoint = JSON.parse(row.body);
      if (JSON.stringify(checkpoint) !== row.body) t.fail(`${cluster.name} ${row.id}: not JSON.stringify's text: ${row.body}`);
      t.same(Object.keys(checkpoint), CHECKPOINT_KEYS);
      t.equal(checkpoint.id, row.id);
      t.equal(Date.parse(checkpoint.timestamp), row.ts);
      t.equal(checkpoint.clusterId, cluster.clusterId);
      const parts = checkpoint.parts as Record<string, unknown>[];
      t.equal(parts.length, cluster.type === 'REPLICASET' ? 1 : cluster.shards + 1);
      for (const part of parts) {
        const keys = part.shardName === undefined ? ['replicaSetName', 'tokenDiscovered', 'tokenTimestamp', 'typeName'] : ['replicaSetName', 'shardName', 'tokenDiscovered', 'tokenTimestamp', 'typeName'];
        t.same(Object.keys(part), keys);
        t.same(Object.keys(part.tokenTimestamp as object), ['date', 'increment']);
      }
      t.equal(checkpoint.restorable, parts.every((part) => part.tokenDiscovered === true));
      if (!checkpoint.restorable) notRestorable++;
    }
    t.ok(notRestorable > 0, `${cluster.name}: some checkpoints are not restorable`);
  }
});

t.test('isoSeconds writes what Date does, milliseconds dropped, across days and years', async (t) => {
  const instants = [0, REFERENCE_DATE, Date.UTC(2020, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 11, 31, 23, 59, 59), Date.UTC(2025, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)];
  for (let ms = REFERENCE_DATE; ms < REFERENCE_DATE + 3 * 86_400_000; ms += 7_777_777) instants.push(ms);
  for (const ms of instants) t.equal(isoSeconds(ms), new Date(ms).toISOString().slice(0, 19) + 'Z', new Date(ms).toISOString());
});
