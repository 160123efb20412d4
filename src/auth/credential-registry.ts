import type { Principal } from './principal.js';

/**
 * A credential kind's live registry: the configured default, then the credentials the loaded
 * fixtures declare (which win on a clash), rebuilt after every store change.
 */
export class CredentialRegistry<Declared, Entry extends { principal: Principal }> {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly defaultCredential: Declared,
    private readonly idOf: (credential: Declared) => string,
    private readonly entryOf: (credential: Declared) => Entry,
  ) {
    this.replaceDeclared([]);
  }

  replaceDeclared(declared: readonly Declared[]): void {
    const entries = new Map<string, Entry>();
    for (const credential of [this.defaultCredential, ...declared]) entries.set(this.idOf(credential), this.entryOf(credential));
    this.entries = entries;
  }

  principal(id: string): Principal | undefined {
    return this.entries.get(id)?.principal;
  }

  protected entry(id: string): Entry | undefined {
    return this.entries.get(id);
  }
}
