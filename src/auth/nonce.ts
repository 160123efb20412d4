import { LRUCache } from 'lru-cache';
import { hash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

// Stateless Digest nonces (RFC 7616 section 3.3 leaves their form to the server):
// 24 bytes = 6-byte issue time (ms) + a 2-byte serial number + 16 bytes of SHA-256 over the
// secret and those first 8 bytes. Base64 gives the 32 characters Atlas's nonces have. Any
// process holding the secret can verify one, and the issue time gives expiry (stale=true)
// without state. A nonce is minted on every challenge, the most frequent answer of all, so
// its tag is one one-shot hash (under 1 us), not an HMAC (2.5 us): a secret-prefix hash is
// a sound MAC here because what it signs always has the same length (no length extension).
// The serial (starting at random) makes every nonce of a process unique: with 2 random
// bytes, two clients challenged in the same millisecond could get the same nonce, and the
// second one's nc=00000001 was refused as a replay (seen at ~3,000 challenges/s).

export type NonceCheck = { status: 'valid'; issuedAt: number } | { status: 'stale'; issuedAt: number } | { status: 'forged' };

const NONCE = /^[A-Za-z0-9+/]{32}$/;
const SECRET_BYTES = 32;

export class NonceService {
  /** The secret, then the 8 bytes being signed: one buffer, hashed in one call. */
  private readonly signing = Buffer.alloc(SECRET_BYTES + 8);
  private serial = randomInt(0x10000);

  constructor(
    secret: string | undefined,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    (secret === undefined ? randomBytes(SECRET_BYTES) : hash('sha256', secret, 'buffer')).copy(this.signing);
  }

  issue(): string {
    const raw = Buffer.allocUnsafe(24);
    raw.writeUIntBE(this.now(), 0, 6);
    this.serial = (this.serial + 1) & 0xffff;
    raw.writeUInt16BE(this.serial, 6);
    this.tag(raw).copy(raw, 8, 0, 16);
    return raw.toString('base64');
  }

  check(nonce: string): NonceCheck {
    if (!NONCE.test(nonce)) return { status: 'forged' };
    const raw = Buffer.from(nonce, 'base64');
    if (!timingSafeEqual(this.tag(raw).subarray(0, 16), raw.subarray(8, 24))) return { status: 'forged' };
    const issuedAt = raw.readUIntBE(0, 6);
    const age = this.now() - issuedAt;
    return age >= 0 && age <= this.ttlMs ? { status: 'valid', issuedAt } : { status: 'stale', issuedAt };
  }

  private tag(raw: Buffer): Buffer {
    raw.copy(this.signing, SECRET_BYTES, 0, 8);
    return hash('sha256', this.signing, 'buffer') as unknown as Buffer;
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
