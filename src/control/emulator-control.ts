import type { EmulatorState } from '../app.js';
import { FixtureError, validateFixture, type FixtureDocument } from '../seed/fixture-document.js';
import type { LoadMode, StoreCounts } from '../store/checkpoint-store.js';
import { invalid, oneOf } from './input.js';

// The control operations on the emulator's state, shared by the /_emulator/ routes and the
// in-process API. Every write validates its whole input before touching the store, and the
// store writes in one transaction: a refused request changes nothing.

export const RESET_SCOPES = ['all', 'data', 'journal', 'faults'] as const;
export type ResetScope = (typeof RESET_SCOPES)[number];
export const LOAD_MODES = ['merge', 'replace'] as const;

export function parseResetScope(value: unknown): ResetScope {
  return value === undefined ? 'all' : oneOf(value, 'scope', RESET_SCOPES);
}

export function parseLoadMode(value: unknown): LoadMode {
  return value === undefined ? 'merge' : oneOf(value, 'mode', LOAD_MODES);
}

/** Back to the start-up dataset (data), an empty journal, no fault rules; or all three. */
export function resetEmulator(state: EmulatorState, scope: ResetScope = 'all'): void {
  if (scope === 'all' || scope === 'data') state.store.load(state.startupDocuments, 'replace');
  if (scope === 'all' || scope === 'journal') state.journal.clear();
  if (scope === 'all' || scope === 'faults') state.faults.clear();
}

/** Validates a fixture document (400 naming the place of the first problem), then loads it. */
export function loadFixture(state: EmulatorState, input: unknown, mode: LoadMode = 'merge'): StoreCounts {
  let document: FixtureDocument;
  try {
    document = validateFixture(input);
  } catch (err) {
    if (err instanceof FixtureError) throw invalid(err.where, err.problem);
    throw err;
  }
  return state.store.load([document], mode);
}
