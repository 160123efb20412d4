import { LRUCache } from 'lru-cache';
import { hash, randomBytes, randomInt } from 'node:crypto';
import { safeEqual } from '../lib/hashing.js';

// Stateless Digest nonces (RFC 7616 section 3.3 leaves their form to the server), 24 bytes
// as the 32 base64 characters Atlas's nonces have: 9 bytes (6-byte issue time in ms, 3-byte
// serial number) then 15 bytes of SHA-256 over the secret and those 9 bytes. The 9 bytes are
// 12 base64 characters and the tag the first 20 characters of the digest's own base64, so
// minting and checking never decode or copy a digest. Any process holding the secret can
// verify one, and the issue time gives expiry (stale=true) without state. A nonce is minted
// on every challenge, the most frequent answer of all, so its tag is one one-shot hash, a
// tenth of an HMAC's work (docs/performance.md): a secret-prefix hash is a sound MAC here
// because what it signs always has the same length (no length extension). The serial
// (starting at random) makes every nonce of a process unique: with random bytes instead, two
// clients challenged in the same millisecond could get the same nonce, and the second one's
// nc=00000001 would be refused as a replay.

export type NonceCheck = { status: 'valid'; issuedAt: number } | { status: 'stale'; issuedAt: number } | { status: 'forged' };

const NONCE = /^[A-Za-z0-9+/]{32}$/;
const SECRET_BYTES = 32;
const HEAD_BYTES = 9;
const HEAD_CHARS = 12;
const TAG_CHARS = 20;

export class NonceService {
  /** The secret, then the 9 bytes being signed: one buffer, hashed in one call. */
  private readonly signing = Buffer.alloc(SECRET_BYTES + HEAD_BYTES);
  private serial = randomInt(0x1000000);

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    (secret === undefined ? randomBytes(SECRET_BYTES) : hash('sha256', secret, 'buffer')).copy(this.signing);
  }

  issue(): string {
    this.serial = (this.serial + 1) & 0xffffff;
    this.signing.writeUIntBE(this.now(), SECRET_BYTES, 6);
    this.signing.writeUIntBE(this.serial, SECRET_BYTES + 6, 3);
    return this.signing.toString('base64', SECRET_BYTES) + this.tag();
  }

  check(nonce: string): NonceCheck {
    if (!NONCE.test(nonce)) return { status: 'forged' };
    if (this.signing.write(nonce.slice(0, HEAD_CHARS), SECRET_BYTES, 'base64') !== HEAD_BYTES) return { status: 'forged' };
    if (!safeEqual(this.tag(), nonce.slice(HEAD_CHARS))) return { status: 'forged' };
    return this.freshness(this.signing.readUIntBE(SECRET_BYTES, 6));
  }

  /** Whether a genuine nonce issued at `issuedAt` is still within its lifetime. */
  freshness(issuedAt: number): NonceCheck {
    const age = this.now() - issuedAt;
    return age >= 0 && age <= this.ttlMs ? { status: 'valid', issuedAt } : { status: 'stale', issuedAt };
  }

  /** The tag of the 9 bytes now in `signing`. */
  private tag(): string {
    return hash('sha256', this.signing, 'base64').slice(0, TAG_CHARS);
  }
}

/**
 * Remembers which nonce counts each nonce has used, so a (nonce, nc) pair is accepted once.
 * Per nonce: the highest nc and a 32-wide window below it (out-of-order requests on one
 * nonce still pass). Memory is bounded: past `maxNonces` the least recently used nonce is
 * forgotten, and every nonce issued no later than a forgotten one is then treated as stale,
 * so forgetting never lets a replay through; the client just gets a fresh nonce.
 */
export class NonceUsage {
  private readonly seen: LRUCache<string, { issuedAt: number; max: number; window: number }>;
  private forgottenUpTo = -1;

  constructor(maxNonces = 10_000) {
    this.seen = new LRUCache({
      max: maxNonces,
      dispose: (entry, _nonce, reason) => {
        if (reason === 'evict') this.forgottenUpTo = Math.max(this.forgottenUpTo, entry.issuedAt);
      },
    });
  }

  get size(): number {
    return this.seen.size;
  }

  /** When a nonce seen before was issued: it passed the signature check then, so it is genuine. */
  issuedAt(nonce: string): number | undefined {
    return this.seen.peek(nonce)?.issuedAt;
  }

  use(nonce: string, issuedAt: number, nc: number): 'ok' | 'replay' | 'stale' {
    const entry = this.seen.get(nonce);
    if (!entry) {
      if (issuedAt <= this.forgottenUpTo) return 'stale';
      this.seen.set(nonce, { issuedAt, max: nc, window: 1 });
      return 'ok';
    }
    if (nc > entry.max) {
      const shift = nc - entry.max;
      entry.window = shift >= 32 ? 1 : ((entry.window << shift) | 1) >>> 0;
      entry.max = nc;
    } else {
      const offset = entry.max - nc;
      if (offset >= 32 || (entry.window >>> offset) & 1) return 'replay';
      entry.window = (entry.window | (1 << offset)) >>> 0;
    }
    return 'ok';
  }
}
