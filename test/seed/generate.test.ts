import t from 'tap';
import { generateCheckpoints, isoSeconds, REFERENCE_DATE } from '../../src/backup/generate.js';
import { DAY, HOUR } from '../../src/lib/time.js';
import { authed, buildTestApp, json, load } from '../helpers/test-app.js';

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
    const rows = [
      ...generateCheckpoints({
        seed: 7,
        groupId: '6b8cd3c380eef5349ef77af7',
        cluster,
        count: 200,
        intervalMinutes: 90,
        after: REFERENCE_DATE,
        until: Infinity,
      }),
    ];
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
        const keys =
          part.shardName === undefined
            ? ['replicaSetName', 'tokenDiscovered', 'tokenTimestamp', 'typeName']
            : ['replicaSetName', 'shardName', 'tokenDiscovered', 'tokenTimestamp', 'typeName'];
        t.same(Object.keys(part), keys);
        t.same(Object.keys(part.tokenTimestamp as object), ['date', 'increment']);
      }
      t.equal(
        checkpoint.restorable,
        parts.every((part) => part.tokenDiscovered === true),
      );
      if (!checkpoint.restorable) notRestorable++;
    }
    t.ok(notRestorable > 0, `${cluster.name}: some checkpoints are not restorable`);
  }
});

t.test('isoSeconds writes what Date does, milliseconds dropped, across days and years', async (t) => {
  const instants = [
    0,
    REFERENCE_DATE,
    Date.UTC(2020, 1, 29, 23, 59, 59, 999),
    Date.UTC(2024, 11, 31, 23, 59, 59),
    Date.UTC(2025, 0, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  ];
  for (let ms = REFERENCE_DATE; ms < REFERENCE_DATE + 3 * 86_400_000; ms += 7_777_777) instants.push(ms);
  for (const ms of instants) t.equal(isoSeconds(ms), `${new Date(ms).toISOString().slice(0, 19)}Z`, new Date(ms).toISOString());
});

t.test(
  "a live cluster's checkpoint or snapshot is drawn for its own slot: the same whatever the clock and whatever was drawn before",
  async (t) => {
    const group = '64a1b2c3d4e5f60718293a4b';
    const base = `/api/atlas/v1.0/groups/${group}/clusters/Live`;
    const start = Date.UTC(2026, 2, 2);
    const fixture = {
      projects: [
        {
          id: group,
          clusters: [
            {
              name: 'Live',
              clusterId: '64a1b2c3d4e5f60718293a4c',
              shards: 2,
              live: true,
              liveFrom: new Date(start - 2 * DAY).toISOString(),
            },
          ],
        },
      ],
    };
    const app = (hoursLater: number, seed = 1) => {
      const built = buildTestApp(t, { seed, clock: new Date(start + hoursLater * HOUR).toISOString() });
      load(built, fixture);
      return built;
    };
    const withoutLinks = (body: string) => JSON.stringify({ ...json({ body }), links: undefined });
    const list = async (hoursLater: number, what: string, seed = 1) =>
      json(await authed(app(hoursLater, seed), { url: `${base}/${what}?itemsPerPage=500` })).results;

    // The checkpoint and the snapshot taken 6 hours before `start`: listed at `start` (after every
    // earlier one was drawn), and read alone 12 hours later (the first thing drawn there).
    const taken = start - 6 * HOUR;
    const checkpoint = (await list(0, 'backupCheckpoints')).find((c: { timestamp: string }) => Date.parse(c.timestamp) === taken);
    const snapshot = (await list(0, 'snapshots')).find((s: { created: { date: string } }) => Date.parse(s.created.date) === taken);
    for (const [what, item] of [
      ['backupCheckpoints', checkpoint],
      ['snapshots', snapshot],
    ]) {
      t.ok(item, `${what}: listed`);
      const alone = await authed(app(12), { url: `${base}/${what}/${item.id}` });
      t.equal(alone.statusCode, 200, `${what}: still kept 12 hours later`);
      t.equal(withoutLinks(alone.body), JSON.stringify({ ...item, links: undefined }), `${what}: the same bytes`);
      const other = await list(0, what, 2);
      t.notOk(
        other.some((o: { id: string }) => o.id === item.id),
        `${what}: another seed draws other ids`,
      );
    }
  },
);
