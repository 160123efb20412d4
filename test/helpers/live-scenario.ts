// The issue-12 scenario, shared by the in-process test and the Python requests test: a live
// sharded cluster on a frozen clock, its checkpoints every 15 minutes, then every 60, the
// point-in-time window moving on, and a restore batch from the newest checkpoint.

export const GROUP_ID = '64a1b2c3d4e5f60718293a4b';
export const CLUSTER = 'LiveCluster';
export const CLUSTER_ID = '64a1b2c3d4e5f60718293a4c';
/** Where the frozen clock starts: a Monday, on the hour. */
export const START = '2026-03-02T00:00:00Z';
const START_MS = Date.parse(START);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The fixture: the cluster has been taking checkpoints for the 6 hours before START. */
export const FIXTURE = {
  projects: [
    {
      id: GROUP_ID,
      name: 'ScenarioProject',
      clusters: [
        {
          name: CLUSTER,
          clusterId: CLUSTER_ID,
          type: 'SHARDED',
          shards: 2,
          backup: 'LEGACY',
          live: true,
          liveFrom: new Date(START_MS - 6 * HOUR).toISOString(),
          schedule: { clusterCheckpointIntervalMin: 15, pointInTimeWindowHours: 24 },
        },
      ],
    },
  ],
};

export const BASE = `/groups/${GROUP_ID}/clusters/${CLUSTER}`;

/** The timestamps (seconds precision, as Atlas writes them) of every `everyMin` slot in (from, to]. */
function slots(fromMs: number, toMs: number, everyMin: number): string[] {
  const every = everyMin * MINUTE;
  const out: string[] = [];
  for (let t = Math.floor(fromMs / every) * every + every; t <= toMs; t += every) out.push(new Date(t).toISOString().replace('.000Z', 'Z'));
  return out;
}

const at = (hours: number) => START_MS + hours * HOUR;

/** What each step lists, worked out from the schedule alone. */
export const EXPECTED = {
  /** At START: 15-minute checkpoints since liveFrom. */
  start: slots(at(-6), at(0), 15),
  /** START + 2 h: eight more. */
  afterTwoHours: slots(at(-6), at(2), 15),
  /** Interval 60 from START + 2 h, then 2 h more: two more. */
  afterPatch: [...slots(at(-6), at(2), 15), ...slots(at(2), at(4), 60)],
  /** One day later: only the last 24 hours are left, hourly. */
  afterWindow: slots(at(4), at(28), 60),
  /** The newest checkpoint, which the restore batch restores. */
  newest: new Date(at(28)).toISOString().replace('.000Z', 'Z'),
  /** One job per shard and one for the config server. */
  jobsPerBatch: 3,
};
