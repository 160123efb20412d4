import type { ApiKeyFixture } from '../seed/fixture-document.js';
import { ha1Base, type DigestAlgorithm } from './digest.js';
import { principalOf, type Principal } from './principal.js';

interface StoredKey {
  principal: Principal;
  privateKey: string;
  /** H(username:realm:password) per algorithm family, computed once. */
  ha1: Partial<Record<DigestAlgorithm, string>>;
}

/**
 * Programmatic API keys (public key -> private key, project access, access list): the
 * configured default key, then the keys the loaded fixtures declare (which win on a clash).
 */
export class ApiKeys {
  private keys = new Map<string, StoredKey>();

  constructor(private readonly defaultKey: ApiKeyFixture) {
    this.replaceDeclared([]);
  }

  /** Replaces the fixture-declared keys (after every store change). */
  replaceDeclared(declared: readonly ApiKeyFixture[]): void {
    const keys = new Map<string, StoredKey>();
    for (const key of [this.defaultKey, ...declared]) {
      keys.set(key.publicKey, {
        principal: principalOf('apiKey', key.publicKey, key.projects, key.accessList),
        privateKey: key.privateKey,
        ha1: {},
      });
    }
    this.keys = keys;
  }

  principal(publicKey: string): Principal | undefined {
    return this.keys.get(publicKey)?.principal;
  }

  /** H(A1) base of a key for an algorithm, or undefined for an unknown key. */
  ha1(publicKey: string, algorithm: DigestAlgorithm): string | undefined {
    const key = this.keys.get(publicKey);
    if (!key) return undefined;
    const family = algorithm.startsWith('MD5') ? 'MD5' : 'SHA-256';
    return (key.ha1[family] ??= ha1Base(family, publicKey, key.privateKey));
  }
}
