import type { Checkpoints } from '../backup/checkpoints.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Snapshots } from '../backup/snapshots.js';
import type { Credentials } from '../auth/credentials.js';
import type { FaultRules } from '../http/fault-rules.js';
import type { RequestJournal } from '../http/journal.js';
import type { PageCache } from '../http/page-cache.js';
import type { RouteTable } from '../http/route-table.js';
import type { EmulatorClock } from '../lib/clock.js';
import type { Config } from '../model/options.js';
import type { FixtureSource } from '../fixtures/fixture-loader.js';
import type { Store } from '../store/store.js';

// The emulator's state, built by the composition root (app.ts) and decorated on the Fastify
// instance as `emulator`: the control plane and the inspector read and change it there.

/** What the emulator holds besides Fastify itself; the control plane and tests reach it here. */
export interface EmulatorState {
  config: Config;
  clock: EmulatorClock;
  store: Store;
  /** What the Legacy Backup lists show at a moment: checkpoints, snapshots, restore jobs. */
  checkpoints: Checkpoints;
  snapshots: Snapshots;
  restoreJobs: RestoreJobs;
  credentials: Credentials;
  cache: PageCache;
  /** The documents loaded at start-up (the default dataset or the user's fixtures), read again by a reset. */
  startupSources: FixtureSource[];
  /** The latest requests (ATLAS_EMU_JOURNAL_MAX of them), for tests to assert on. */
  journal: RequestJournal;
  /** Fault rules set through the control plane. */
  faults: FaultRules;
  /** Every route served, as registered. */
  routes: RouteTable;
}

declare module 'fastify' {
  interface FastifyInstance {
    emulator: EmulatorState;
  }
}
