import type { Parameters } from 'fast-check';

// Property tests run on a fixed seed, so that a run is reproducible: FC_SEED (and FC_PATH,
// printed by fast-check with the seed when a property fails) replay or vary it.

const DEFAULT_SEED = 20_261_129;

export function propertyParameters<T>(numRuns: number): Parameters<T> {
  const seed = process.env.FC_SEED === undefined ? DEFAULT_SEED : Number(process.env.FC_SEED);
  return { seed, numRuns, ...(process.env.FC_PATH === undefined ? {} : { path: process.env.FC_PATH }) };
}
