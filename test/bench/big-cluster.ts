import type { FixtureDocument } from '../../src/model/fixture-schema.js';

// Scenario 4 and 6's data: one project with one cluster of generated checkpoints, one a minute.

export const BIG_GROUP = '64b0c0ffee0000000000b16a';
export const BIG_CLUSTER = 'Million';

export function bigClusterFixture(count: number): FixtureDocument {
  return {
    projects: [
      {
        id: BIG_GROUP,
        name: 'Benchmark',
        clusters: [
          {
            name: BIG_CLUSTER,
            clusterId: '64b0c0ffee0000000000c1a5',
            type: 'SHARDED',
            shards: 2,
            backup: 'LEGACY',
            checkpoints: [],
            generate: { count, intervalMinutes: 1 },
          },
        ],
      },
    ],
  };
}
