import type { FixtureDocument } from '../../src/model/fixture-schema.js';

// Scenario 7's data: two sharded clusters of the same size, one live (its checkpoints derived
// from the emulator clock: one every 15 minutes over a window that holds `count` of them) and
// one static (`count` generated checkpoints stored).

export const LIVE_GROUP = '64b0c0ffee0000000000de7a';
/** The frozen clock the server starts at. */
export const LIVE_CLOCK = '2026-06-01T00:00:00Z';
const QUARTER_HOUR = 15 * 60_000;

export function liveClusterFixture(count: number): FixtureDocument {
  const windowHours = Math.ceil((count * QUARTER_HOUR) / 3_600_000);
  const cluster = (name: string, clusterId: string) => ({
    name,
    clusterId,
    type: 'SHARDED' as const,
    shards: 2,
    backup: 'LEGACY' as const,
  });
  return {
    projects: [
      {
        id: LIVE_GROUP,
        name: 'LiveBenchmark',
        clusters: [
          {
            ...cluster('Live', '64b0c0ffee0000000000de7b'),
            live: true,
            liveFrom: new Date(Date.parse(LIVE_CLOCK) - count * QUARTER_HOUR).toISOString(),
            schedule: { clusterCheckpointIntervalMin: 15, pointInTimeWindowHours: windowHours },
          },
          { ...cluster('Static', '64b0c0ffee0000000000de7c'), generate: { count, intervalMinutes: 15 } },
        ],
      },
    ],
  };
}
