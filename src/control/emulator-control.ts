import type { EmulatorState } from './emulator-state.js';
import { ClockError, durationMs, type ClockState, type EmulatorClock } from '../lib/clock.js';
import { exportChunks } from '../fixtures/fixture-export.js';
import { loadFixtures, type FixtureSource } from '../fixtures/fixture-loader.js';
import { FixtureError, FixtureSyntaxError } from '../fixtures/fixture-mistakes.js';
import type { LoadMode, StoreCounts } from '../store/store.js';
import { invalid } from '../model/control-input.js';
import { errors } from '../model/errors.js';
import type { ClockMove, ResetScope } from '../model/control-schemas.js';

// The control operations on the emulator's state, shared by the /_emulator/ routes and the
// in-process API. A load validates as it goes and writes in one transaction: a refused
// document changes nothing.

/** Back to the start-up clock, dataset (data), an empty journal, no fault rules; or all of them. */
export function resetEmulator(state: EmulatorState, scope: ResetScope = 'all'): void {
  // The clock first: the start-up data goes live at the start-up time.
  if (scope === 'all' || scope === 'clock') state.clock.reset();
  if (scope === 'all' || scope === 'data') loadFixtures(state.store, state.startupSources, 'replace', state.config.seed, state.clock.now());
  if (scope === 'all' || scope === 'journal') state.journal.clear();
  if (scope === 'all' || scope === 'faults') state.faults.clear();
}

/** The whole state as a fixture document, in chunks (links in it use `base`). */
export function exportDocument(state: EmulatorState): Generator<string> {
  return exportChunks(state, state.clock.now());
}

/** Moves the emulator clock; a move it cannot make is a 400 naming the field. */
export function moveClock(clock: EmulatorClock, move: ClockMove): ClockState {
  const given = Object.keys(move);
  if (given.length !== 1) throw invalid('body', 'give exactly one of set, advance, frozen');
  try {
    if (move.set !== undefined) clock.set(Date.parse(move.set));
    if (move.advance !== undefined) {
      const ms = durationMs(move.advance);
      if (ms === undefined)
        throw invalid('advance', 'must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, like PT6H or P2D');
      clock.advance(ms);
    }
    if (move.frozen !== undefined) clock.freeze(move.frozen);
  } catch (err) {
    if (err instanceof ClockError) throw invalid(given[0]!, err.message);
    throw err;
  }
  return clock.state();
}

/** Loads a fixture document; a refused one is a 400 naming the place and problem of each mistake. */
export function loadFixture(state: EmulatorState, source: FixtureSource, mode: LoadMode = 'merge'): StoreCounts {
  try {
    return loadFixtures(state.store, [source], mode, state.config.seed, state.clock.now());
  } catch (err) {
    if (err instanceof FixtureSyntaxError) throw invalid('body', err.mistakes[0]!.problem);
    if (err instanceof FixtureError)
      throw errors.invalidControlFields(
        err.mistakes.map(({ where, problem }) => ({ field: where, problem })),
        err.more,
      );
    throw err;
  }
}
