// Rendered successful responses, keyed by everything that shapes their bytes (content type,
// base URL, request-target). Serializing a 100-checkpoint page costs more than the rest of a
// request, and a page that has not changed need not be rebuilt: the cache is emptied on every
// store write and bounded in bytes (oldest entries go first).

export class PageCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Buffer | undefined {
    return this.entries.get(key);
  }

  set(key: string, body: Buffer): void {
    if (body.length > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, body);
    this.bytes += body.length;
    while (this.bytes > this.maxBytes) {
      const [oldest, evicted] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= evicted.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
