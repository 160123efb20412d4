import type { ApiKeyFixture } from '../seed/fixture-document.js';
import { CredentialRegistry } from './credential-registry.js';
import { ha1Base, type DigestAlgorithm } from './digest.js';
import { principalOf, type Principal } from './principal.js';

interface StoredKey {
  principal: Principal;
  privateKey: string;
  /** H(username:realm:password) per algorithm family, computed once. */
  ha1: Partial<Record<DigestAlgorithm, string>>;
}

/** Programmatic API keys: public key -> private key, project access, access list. */
export class ApiKeys extends CredentialRegistry<ApiKeyFixture, StoredKey> {
  constructor(defaultKey: ApiKeyFixture) {
    super(
      defaultKey,
      (key) => key.publicKey,
      (key) => ({ principal: principalOf('apiKey', key.publicKey, key.projects, key.accessList), privateKey: key.privateKey, ha1: {} }),
    );
  }

  /** H(A1) base of a key for an algorithm, or undefined for an unknown key. */
  ha1(publicKey: string, algorithm: DigestAlgorithm): string | undefined {
    const key = this.entry(publicKey);
    if (!key) return undefined;
    const family = algorithm.startsWith('MD5') ? 'MD5' : 'SHA-256';
    return (key.ha1[family] ??= ha1Base(family, publicKey, key.privateKey));
  }
}
