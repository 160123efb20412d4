import type { Faker, Randomizer } from '@faker-js/faker';
import { faker as baseLocaleFaker } from '@faker-js/faker/locale/base';

// The one source of generated values: a seeded Faker per generation job (a cluster's generated
// history, one live checkpoint or snapshot, a batch of restore jobs, a fault rule). Each job
// seeds its Faker from what it generates (`seed/project/cluster/...`), never from the clock or
// from other jobs, so the same inputs give the same values on every machine and every run.

// The base-locale entry point exports an instance only; its class makes the per-job instances
// (the package's main entry point would load every locale at start-up).
const FakerClass = baseLocaleFaker.constructor as typeof Faker;

/** FNV-1a: a 32-bit hash of a string, to seed a Faker from what a value belongs to. `from` (a hash of a prefix) continues a hash: fnv1a(b, fnv1a(a)) = fnv1a(a + b). */
export function fnv1a(text: string, from = 0x811c9dc5): number {
  let hash = from;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Faker's randomizer here: mulberry32, whose whole state is its 32-bit seed. A live cluster
 * derives each checkpoint and snapshot from the time, seeding a Faker for each one; Faker's
 * default Mersenne Twister fills and twists 624 words per seed, this one sets one.
 */
function mulberry32(): Randomizer {
  let state = 0;
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    seed: (seed) => {
      state = typeof seed === 'number' ? seed >>> 0 : fnv1a(seed.join('/'));
    },
  };
}

/** A Faker of its own for one generation job (or a service that seeds it again before each one). */
export function seededFaker(seed: number): Faker {
  const faker = new FakerClass({ locale: baseLocaleFaker.rawDefinitions, randomizer: mulberry32() });
  faker.seed(seed);
  return faker;
}

/** Numbers in [0, 1) drawn from a Faker seeded with `seed`, the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  const faker = seededFaker(seed);
  return () => faker.number.float();
}

/** `digits` lowercase hexadecimal digits drawn from `faker`: the random parts of ids and keys. */
export const hexDigits = (faker: Faker, digits: number): string =>
  faker.string.hexadecimal({ length: digits, casing: 'lower', prefix: '' });

/** `value` in `digits` hexadecimal digits (the lowest ones when it has more). */
function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * An id shaped like a MongoDB ObjectId: the second it was made, five bytes naming its maker
 * (10 hex digits, drawn once per maker), a three-byte counter. Ids made this way sort as their
 * times do, and one maker's ids of the same second as their counters do.
 */
export function objectIdAt(ms: number, maker: string, counter: number): string {
  return hex(Math.floor(ms / 1000) >>> 0, 8) + maker + hex(counter & 0xffffff, 6);
}
