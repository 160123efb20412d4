import { LRUCache } from 'lru-cache';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CredentialStore, DeclaredCredential } from '../store/credential-store.js';
import { ha1Base, type DigestAlgorithm } from './digest.js';
import { principalOf, type Principal } from './principal.js';

// Who may authenticate: the configured default API key and service account, and those the
// loaded fixtures declare (kept in the store, which wins on a clash). What a check needs of a
// credential (its principal, its Digest H(A1) values, its secret's digest) is derived once and
// cached; a store write drops the cache, and the next request derives it again from the store.

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

interface ApiKeyEntry {
  principal: Principal;
  privateKey: string;
  /** H(username:realm:password) per algorithm family, computed on first use. */
  ha1: Partial<Record<DigestAlgorithm, string>>;
}

interface AccountEntry {
  principal: Principal;
  /** Secrets are compared as digests: fixed length, so the comparison takes the same time whatever the guess. */
  secretDigest: Buffer;
}

export interface DefaultCredentials {
  publicKey: string;
  privateKey: string;
  clientId: string;
  clientSecret: string;
}

const MAX_CACHED = 10_000;

export class Credentials {
  // 0: no such credential (remembered too, so an unknown name costs no query either).
  private readonly keys = new LRUCache<string, ApiKeyEntry | 0>({ max: MAX_CACHED });
  private readonly accounts = new LRUCache<string, AccountEntry | 0>({ max: MAX_CACHED });

  constructor(
    private readonly store: CredentialStore,
    private readonly defaults: DefaultCredentials,
  ) {}

  /** The store's credentials changed: forget what was derived from them. */
  clear(): void {
    this.keys.clear();
    this.accounts.clear();
  }

  private apiKey(publicKey: string): ApiKeyEntry | undefined {
    let entry = this.keys.get(publicKey);
    if (entry === undefined) {
      const declared: DeclaredCredential | undefined =
        this.store.apiKey(publicKey) ??
        (publicKey === this.defaults.publicKey ? { id: publicKey, secret: this.defaults.privateKey, projects: '*', accessList: undefined } : undefined);
      entry = declared ? { principal: principalOf('apiKey', declared.id, declared.projects, declared.accessList), privateKey: declared.secret, ha1: {} } : 0;
      this.keys.set(publicKey, entry);
    }
    return entry || undefined;
  }

  private account(clientId: string): AccountEntry | undefined {
    let entry = this.accounts.get(clientId);
    if (entry === undefined) {
      const declared: DeclaredCredential | undefined =
        this.store.serviceAccount(clientId) ??
        (clientId === this.defaults.clientId ? { id: clientId, secret: this.defaults.clientSecret, projects: '*', accessList: undefined } : undefined);
      entry = declared ? { principal: principalOf('serviceAccount', declared.id, declared.projects, declared.accessList), secretDigest: sha256(declared.secret) } : 0;
      this.accounts.set(clientId, entry);
    }
    return entry || undefined;
  }

  apiKeyPrincipal(publicKey: string): Principal | undefined {
    return this.apiKey(publicKey)?.principal;
  }

  /** H(A1) base of a key for an algorithm, or undefined for an unknown key. */
  ha1(publicKey: string, algorithm: DigestAlgorithm): string | undefined {
    const key = this.apiKey(publicKey);
    if (!key) return undefined;
    const family = algorithm.startsWith('MD5') ? 'MD5' : 'SHA-256';
    return (key.ha1[family] ??= ha1Base(family, publicKey, key.privateKey));
  }

  accountPrincipal(clientId: string): Principal | undefined {
    return this.account(clientId)?.principal;
  }

  /** The account's principal when the secret is its own. */
  authenticateAccount(clientId: string, clientSecret: string): Principal | undefined {
    const account = this.account(clientId);
    return account && timingSafeEqual(account.secretDigest, sha256(clientSecret)) ? account.principal : undefined;
  }
}
