import type { EmulatorState } from '../app.js';
import { FixtureError, FixtureSyntaxError, loadFixtures, type FixtureSource } from '../seed/fixture-loader.js';
import type { LoadMode, StoreCounts } from '../store/store.js';
import { invalid } from './input.js';
import type { ResetScope } from './schemas.js';

// The control operations on the emulator's state, shared by the /_emulator/ routes and the
// in-process API. A load validates as it goes and writes in one transaction: a refused
// document changes nothing.

/** Back to the start-up dataset (data), an empty journal, no fault rules; or all three. */
export function resetEmulator(state: EmulatorState, scope: ResetScope = 'all'): void {
  if (scope === 'all' || scope === 'data') loadFixtures(state.store, state.startupSources, 'replace', state.config.seed);
  if (scope === 'all' || scope === 'journal') state.journal.clear();
  if (scope === 'all' || scope === 'faults') state.faults.clear();
}

/** Loads a fixture document; a refused one is a 400 naming the place of the first problem. */
export function loadFixture(state: EmulatorState, source: FixtureSource, mode: LoadMode = 'merge'): StoreCounts {
  try {
    return loadFixtures(state.store, [source], mode, state.config.seed);
  } catch (err) {
    if (err instanceof FixtureSyntaxError) throw invalid('body', err.problem);
    if (err instanceof FixtureError) throw invalid(err.where, err.problem);
    throw err;
  }
}
