import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServiceAccountFixture } from '../seed/fixture-document.js';
import { CredentialRegistry } from './credential-registry.js';
import { principalOf, type Principal } from './principal.js';

// Service accounts (OAuth 2.0 client credentials, RFC 6749 section 4.4) and the bearer
// tokens they mint. Secrets and tokens are kept only as SHA-256 digests: comparing digests
// of fixed length takes the same time whatever the guess, and a heap dump shows no token.

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

interface Account {
  secretDigest: Buffer;
  principal: Principal;
}

export class ServiceAccounts extends CredentialRegistry<ServiceAccountFixture, Account> {
  constructor(defaultAccount: ServiceAccountFixture) {
    super(
      defaultAccount,
      (account) => account.clientId,
      (account) => ({
        secretDigest: sha256(account.clientSecret),
        principal: principalOf('serviceAccount', account.clientId, account.projects, account.accessList),
      }),
    );
  }

  /** The account's principal when the secret is its own. */
  authenticate(clientId: string, clientSecret: string): Principal | undefined {
    const account = this.entry(clientId);
    return account && timingSafeEqual(account.secretDigest, sha256(clientSecret)) ? account.principal : undefined;
  }
}

export type TokenCheck = { status: 'valid'; clientId: string } | { status: 'expired' | 'revoked' | 'unknown' };

interface TokenRecord {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Opaque access tokens (Atlas's format is unconfirmed) in memory: a restart forgets them,
 * as it forgets Digest nonce state. At most `maxTokens` are remembered; past that the
 * oldest is forgotten and then answers as unknown. Expired and revoked ones are kept until
 * then, so the log can say token_expired or token_revoked rather than unknown_token.
 */
export class BearerTokens {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxTokens = 10_000,
  ) {}

  get size(): number {
    return this.tokens.size;
  }

  mint(clientId: string): { token: string; expiresIn: number } {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(sha256(token).toString('base64'), { clientId, expiresAt: this.now() + this.ttlMs, revoked: false });
    while (this.tokens.size > this.maxTokens) this.tokens.delete(this.tokens.keys().next().value!);
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
