// Small deterministic building blocks for generated data: the same inputs give the same
// values on every machine and every run.

/** FNV-1a: a 32-bit hash of a string; `from` (a hash of a prefix) continues a hash, so fnv1a(b, fnv1a(a)) = fnv1a(a + b). */
export function fnv1a(text: string, from = 0x811c9dc5): number {
  let hash = from;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast generator of numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integers from min to max (both included), drawn from `seededRandom(seed)`. */
export function seededInts(seed: number): (min: number, max: number) => number {
  const random = seededRandom(seed);
  return (min, max) => min + Math.floor(random() * (max - min + 1));
}

/** `value` in `digits` hexadecimal digits (the lowest ones when it has more). */
export function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * An id shaped like a MongoDB ObjectId: the second it was made, five bytes naming its maker,
 * a three-byte counter. Ids made this way sort as their times do.
 */
export function objectIdAt(ms: number, machine: string, counter: number): string {
  return hex(Math.floor(ms / 1000) >>> 0, 8) + machine + hex(counter & 0xffffff, 6);
}
