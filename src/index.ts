// The programmatic API for test suites.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { loadFixture, resetEmulator, type ResetScope } from './control/emulator-control.js';
import type { FaultRuleInput, FaultRuleView } from './control/fault-rules.js';
import { object } from './control/input.js';
import { FILTER_FIELDS, parseJournalFilter, type AuthOutcome, type JournalEntry } from './control/journal.js';
import type { ApiKeyFixture, Checkpoint, ClusterFixture, FixtureDocument, ProjectFixture, ServiceAccountFixture } from './seed/fixture-document.js';
import type { LoadMode, StoreCounts } from './store/checkpoint-store.js';

export { buildApp, type BuildOptions, type EmulatorState } from './app.js';
export { loadConfig, DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type Config } from './config.js';
export type { ApiKeyFixture, Checkpoint, FixtureDocument, ServiceAccountFixture } from './seed/fixture-document.js';
export type { LoadMode, StoreCounts } from './store/checkpoint-store.js';
export type { ResetScope } from './control/emulator-control.js';
export type { FaultEffect, FaultEffectInput, FaultMatch, FaultRuleInput, FaultRuleView } from './control/fault-rules.js';
export type { AppliedFault, AuthOutcome, JournalEntry } from './control/journal.js';

/** A cluster as a fixture may give it: fields with a default (type, shards, backup, checkpoints) may be left out. */
export type ClusterInput = Omit<Partial<ClusterFixture>, 'checkpoints'> & Pick<ClusterFixture, 'name' | 'clusterId'> & { checkpoints?: Checkpoint[] };
/** A fixture document as written (README "Fixtures"); load() validates it and fills in the defaults. */
export interface FixtureInput {
  $schema?: string;
  description?: string;
  projects?: (Omit<Partial<ProjectFixture>, 'clusters'> & Pick<ProjectFixture, 'id'> & { clusters?: ClusterInput[] })[];
  apiKeys?: ApiKeyFixture[];
  serviceAccounts?: ServiceAccountFixture[];
}

/** Options of startEmulator: any configuration option; the environment is not read. */
export type EmulatorOptions = Partial<Config>;

/** Which journaled requests to return (every field optional; the same filters as GET /_emulator/requests). */
export interface RequestFilter {
  method?: string;
  /** Path pattern: `*` matches within one segment, `**` across segments. */
  path?: string;
  status?: number;
  /** A UTC date-time (ISO 8601) or a Date: entries at or after it. */
  since?: string | Date;
  challenge?: boolean;
  authOutcome?: AuthOutcome;
  principal?: string;
  faulted?: boolean;
  /** At most this many, the newest. */
  limit?: number;
}

export interface FaultControl {
  /** Adds a rule (throws an Error naming the field when it is malformed). */
  add(rule: FaultRuleInput): FaultRuleView;
  list(): FaultRuleView[];
  remove(id: string): boolean;
  clear(): void;
}

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  publicKey: string;
  privateKey: string;
  /** The Fastify instance, for inject() and for what this API does not cover. */
  app: FastifyInstance;
  /** Back to the start-up dataset, empty journal, no faults (or one of them). */
  reset(scope?: ResetScope): void;
  /** Validates and loads a fixture document in one transaction (merge by default). */
  load(fixture: FixtureInput, mode?: LoadMode): StoreCounts;
  /** The whole state as a fixture document. */
  export(): FixtureDocument;
  /** Journaled requests, oldest first. */
  requests(filter?: RequestFilter): JournalEntry[];
  faults: FaultControl;
  close(): Promise<void>;
}

/** Starts an emulator listening on 127.0.0.1 (a free port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config = loadConfig({}, { port: 0, logLevel: 'warn', ...options });
  const app = buildApp(config);
  const state = app.emulator;
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  return {
    url,
    publicKey: config.publicKey,
    privateKey: config.privateKey,
    app,
    reset: (scope = 'all') => resetEmulator(state, scope),
    load: (fixture, mode = 'merge') => loadFixture(state, fixture, mode),
    export: () => state.store.exportDocument(),
    requests: (filter = {}) => {
      const { limit, since, ...rest } = filter;
      const checked = object({ ...rest, ...(since === undefined ? {} : { since: since instanceof Date ? since.toISOString() : since }) }, 'filter', FILTER_FIELDS);
      return state.journal.list(parseJournalFilter(checked), limit ?? Infinity);
    },
    faults: {
      add: (rule) => state.faults.add(rule).view(),
      list: () => state.faults.list().map((rule) => rule.view()),
      remove: (id) => state.faults.remove(id),
      clear: () => state.faults.clear(),
    },
    close: () => app.close(),
  };
}
