import { createHash } from 'node:crypto';

// Hashes of secrets and constant-time comparisons, for every credential the emulator checks.

export function sha256(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares two strings in time independent of where they differ (no buffers: it runs on every signed request). */
export function safeEqual(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
