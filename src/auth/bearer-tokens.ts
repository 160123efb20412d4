import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../lib/hashing.js';

// The bearer tokens service accounts mint (OAuth 2.0 client credentials, RFC 6749 section
// 4.4). Tokens are kept only as SHA-256 digests, so a heap dump shows no usable token.

export type TokenCheck = { status: 'valid'; clientId: string } | { status: 'expired' | 'revoked' | 'unknown' };

interface TokenRecord {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Opaque access tokens (Atlas's format is unconfirmed) in memory: a restart forgets them,
 * as it forgets Digest nonce state. At most `maxTokens` are remembered; past that the
 * least recently used is forgotten and then answers as unknown. Expired and revoked ones
 * are kept until then, so the log can say token_expired or token_revoked, not unknown_token.
 */
export class BearerTokens {
  private readonly tokens: LRUCache<string, TokenRecord>;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    maxTokens = 10_000,
  ) {
    this.tokens = new LRUCache({ max: maxTokens });
  }

  get size(): number {
    return this.tokens.size;
  }

  mint(clientId: string): { token: string; expiresIn: number } {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(sha256(token).toString('base64'), { clientId, expiresAt: this.now() + this.ttlMs, revoked: false });
    return { token, expiresIn: Math.round(this.ttlMs / 1000) };
  }

  check(token: string): TokenCheck {
    const record = this.tokens.get(sha256(token).toString('base64'));
    if (!record) return { status: 'unknown' };
    if (record.revoked) return { status: 'revoked' };
    if (this.now() >= record.expiresAt) return { status: 'expired' };
    return { status: 'valid', clientId: record.clientId };
  }

  /** RFC 7009: only the client a token was issued to may revoke it; an unknown token is no error. */
  revoke(token: string, clientId: string): 'revoked' | 'unknown' | 'foreign' {
    const record = this.tokens.get(sha256(token).toString('base64'));
    if (!record) return 'unknown';
    if (record.clientId !== clientId) return 'foreign';
    record.revoked = true;
    return 'revoked';
  }
}
