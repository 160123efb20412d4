// The programmatic API for test suites.
// Its declarations use Node's types (Buffer, NodeJS.ProcessEnv), whatever a project's `types` says.
/// <reference types="node" preserve="true" />
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ClockState, EmulatorClock } from './lib/clock.js';
import { exportDocument, loadFixture, moveClock, resetEmulator } from './control/emulator-control.js';
import type { FaultRuleView } from './http/fault-rules.js';
import { checkInput } from './model/control-input.js';
import { journalFilter, type JournalEntry } from './http/journal.js';
import {
  ClockMoveSchema,
  FaultRuleInputSchema,
  JournalFilterSchema,
  type ClockMove,
  type FaultRuleInput,
  type JournalFilterInput,
  type ResetScope,
  type ValidFaultRule,
} from './model/control-schemas.js';
import { resolveConfig, type EmulatorOptions } from './model/options.js';
import { objectSource } from './fixtures/fixture-loader.js';
import type { FixtureDocument } from './model/fixture-schema.js';
import type { LoadMode, StoreCounts } from './store/store.js';

export { buildApp, type BuildOptions } from './app.js';
export type { EmulatorState } from './control/emulator-state.js';
export { ClockError, EmulatorClock, type Clock, type ClockState } from './lib/clock.js';
// What the calls of this API throw (docs/control.md#errors-it-throws).
export { AtlasError } from './model/errors.js';
export { FixtureFileError } from './fixtures/fixture-files.js';
export { DatabaseOpenError } from './store/database.js';
export {
  resolveConfig,
  ConfigError,
  DEFAULT_PUBLIC_KEY,
  DEFAULT_PRIVATE_KEY,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  type Config,
  type EmulatorOptions,
} from './model/options.js';
export type {
  ApiKeyFixture,
  Checkpoint,
  ClusterFixture,
  FixtureDocument,
  ProjectFixture,
  ServiceAccountFixture,
} from './model/fixture-schema.js';
export type { LoadMode, StoreCounts } from './store/store.js';
export type { ResetScope, FaultEffectInput, FaultMatch, FaultRuleInput } from './model/control-schemas.js';
export type { FaultEffect, FaultRuleView } from './http/fault-rules.js';
export type { AppliedFault, AuthOutcome, JournalEntry } from './http/journal.js';
export { record, type RecordIo, type RecordProgress, type RecordSummary, type RecordedCluster } from './record/recorder.js';
export { RecordError } from './record/record-error.js';
export type { RecordOptions } from './record/record-options.js';

/** Which journaled requests to return (every field optional; the same filters as GET /_emulator/requests). */
export type RequestFilter = Omit<JournalFilterInput, 'since'> & {
  /** A UTC date-time (ISO 8601) or a Date: entries at or after it. */
  since?: string | Date;
  /** At most this many, the newest. */
  limit?: number;
};

export interface FaultControl {
  /** Adds a rule (throws an AtlasError, a 400 naming the field, when it is malformed). */
  add(rule: FaultRuleInput): FaultRuleView;
  list(): FaultRuleView[];
  remove(id: string): boolean;
  clear(): void;
}

/** The emulator clock, as POST /_emulator/clock moves it. */
export interface ClockControl {
  now(): Date;
  state(): ClockState;
  /** Jumps to an instant (not before the clock's time). */
  set(instant: Date | string): ClockState;
  /** Moves on by an ISO 8601 duration (PT6H, P2D) or milliseconds. */
  advance(duration: string | number): ClockState;
  freeze(frozen?: boolean): ClockState;
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
  load(fixture: FixtureDocument, mode?: LoadMode): StoreCounts;
  /** The whole state as a fixture document. */
  export(): FixtureDocument;
  /** Journaled requests, oldest first. */
  requests(filter?: RequestFilter): JournalEntry[];
  faults: FaultControl;
  clock: ClockControl;
  close(): Promise<void>;
}

/** What startEmulator() takes besides the options: a clock of the caller's (default: as the clock option says). */
export interface StartOptions {
  clock?: EmulatorClock;
}

/**
 * Starts an emulator listening on 127.0.0.1 (a free port unless `port` is given). The options
 * are those of the command line and the environment (which is not read); a bad one is a
 * ConfigError naming it.
 */
export async function startEmulator(options: EmulatorOptions = {}, { clock }: StartOptions = {}): Promise<RunningEmulator> {
  const config = resolveConfig({ port: 0, logLevel: 'warn' }, options);
  const app = buildApp(config, { clock });
  const state = app.emulator;
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const move = (body: unknown) => moveClock(state.clock, checkInput<ClockMove>(ClockMoveSchema, body, 'clock'));
  // Milliseconds back are a move to an earlier time: refused as such ("only moves forward").
  const moveBy = (ms: number) =>
    ms < 0 ? move({ set: new Date(state.clock.now() + ms).toISOString() }) : move({ advance: `PT${ms / 1000}S` });
  return {
    url,
    publicKey: config.publicKey,
    privateKey: config.privateKey,
    app,
    reset: (scope = 'all') => resetEmulator(state, scope),
    load: (fixture, mode = 'merge') => loadFixture(state, objectSource(fixture), mode),
    export: () => JSON.parse([...exportDocument(state)].join('')) as FixtureDocument,
    requests: (filter = {}) => {
      const { limit, since, ...rest } = filter;
      const input = checkInput<JournalFilterInput>(
        JournalFilterSchema,
        { ...rest, ...(since === undefined ? {} : { since: since instanceof Date ? since.toISOString() : since }) },
        'filter',
      );
      return state.journal.list(journalFilter(input), limit ?? Infinity);
    },
    faults: {
      add: (rule) => state.faults.add(checkInput<ValidFaultRule>(FaultRuleInputSchema, structuredClone(rule), 'rule')).view(),
      list: () => state.faults.list().map((rule) => rule.view()),
      remove: (id) => state.faults.remove(id),
      clear: () => state.faults.clear(),
    },
    clock: {
      now: () => new Date(state.clock.now()),
      state: () => state.clock.state(),
      set: (instant) => move({ set: instant instanceof Date ? instant.toISOString() : instant }),
      advance: (duration) => (typeof duration === 'number' ? moveBy(duration) : move({ advance: duration })),
      freeze: (frozen = true) => move({ frozen }),
    },
    close: () => app.close(),
  };
}
