import { ha1Base, type DigestAlgorithm } from './digest.js';
import type { Principal } from './principal.js';

export interface ApiKey {
  publicKey: string;
  privateKey: string;
  projects: '*' | ReadonlySet<string>;
}

interface StoredKey {
  principal: Principal;
  privateKey: string;
  /** H(username:realm:password) per algorithm family, computed once. */
  ha1: Partial<Record<DigestAlgorithm, string>>;
}

/** Programmatic API keys (public key -> private key and project access). */
export class ApiKeys {
  private readonly keys = new Map<string, StoredKey>();

  set(key: ApiKey): void {
    this.keys.set(key.publicKey, {
      principal: { kind: 'apiKey', id: key.publicKey, projects: key.projects },
      privateKey: key.privateKey,
      ha1: {},
    });
  }

  delete(publicKey: string): void {
    this.keys.delete(publicKey);
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
