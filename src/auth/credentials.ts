import { LRUCache } from 'lru-cache';
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../lib/hashing.js';
import type { CredentialStore, DeclaredCredential } from '../store/credential-store.js';
import { ha1Base, type DigestAlgorithm } from './digest.js';
import { principalOf, type Principal } from '../model/authentication.js';

// Who may authenticate: the configured default API key and service account, and those the
// loaded fixtures declare (kept in the store, which wins on a clash). What a check needs of a
// credential (its principal, its Digest H(A1) values, its secret's digest) is derived once and
// cached; a store write drops the cache, and the next request derives it again from the store.

type Kind = Principal['kind'];

/** A credential as the checks need it, derived once from what is declared. */
class Entry {
  /** H(username:realm:password) per Digest algorithm family, computed on first use. */
  private readonly ha1ByFamily: Partial<Record<'MD5' | 'SHA-256', string>> = {};
  /** The secret's SHA-256, computed on first use: digests of fixed length compare in the same time whatever the guess. */
  secretDigest?: Buffer;

  constructor(
    readonly principal: Principal,
    readonly secret: string,
  ) {}

  /** The H(A1) base of an API key for a Digest algorithm. */
  ha1(algorithm: DigestAlgorithm): string {
    const family = algorithm.startsWith('MD5') ? 'MD5' : 'SHA-256';
    return (this.ha1ByFamily[family] ??= ha1Base(family, this.principal.id, this.secret));
  }
}

/** An API key as a Digest check reads it: who it is, and its H(A1) base per algorithm. */
export type ApiKey = Pick<Entry, 'principal' | 'ha1'>;

export interface DefaultCredentials {
  publicKey: string;
  privateKey: string;
  clientId: string;
  clientSecret: string;
}

export class Credentials {
  // Per kind, by id. 0: no such credential (remembered too, so an unknown name costs no query
  // either). Bounded like the other per-request state (10,000 each).
  private readonly cache: Record<Kind, LRUCache<string, Entry | 0>> = {
    apiKey: new LRUCache({ max: 10_000 }),
    serviceAccount: new LRUCache({ max: 10_000 }),
  };

  constructor(
    private readonly store: CredentialStore,
    private readonly defaults: DefaultCredentials,
  ) {}

  /** The store's credentials changed: forget what was derived from them. */
  clear(): void {
    this.cache.apiKey.clear();
    this.cache.serviceAccount.clear();
  }

  private declared(kind: Kind, id: string): DeclaredCredential | undefined {
    const stored = kind === 'apiKey' ? this.store.apiKey(id) : this.store.serviceAccount(id);
    if (stored) return stored;
    const [defaultId, secret] =
      kind === 'apiKey' ? [this.defaults.publicKey, this.defaults.privateKey] : [this.defaults.clientId, this.defaults.clientSecret];
    return id === defaultId ? { id, secret, projects: '*', accessList: undefined } : undefined;
  }

  private entry(kind: Kind, id: string): Entry | undefined {
    const cache = this.cache[kind];
    let entry = cache.get(id);
    if (entry === undefined) {
      const c = this.declared(kind, id);
      entry = c ? new Entry(principalOf(kind, c.id, c.projects, c.accessList), c.secret) : 0;
      cache.set(id, entry);
    }
    return entry || undefined;
  }

  /** The API key of a public key, or undefined for an unknown one. */
  apiKey(publicKey: string): ApiKey | undefined {
    return this.entry('apiKey', publicKey);
  }

  accountPrincipal(clientId: string): Principal | undefined {
    return this.entry('serviceAccount', clientId)?.principal;
  }

  /** The account's principal when the secret is its own. */
  authenticateAccount(clientId: string, clientSecret: string): Principal | undefined {
    const account = this.entry('serviceAccount', clientId);
    if (!account) return undefined;
    account.secretDigest ??= sha256(account.secret);
    return timingSafeEqual(account.secretDigest, sha256(clientSecret)) ? account.principal : undefined;
  }
}
