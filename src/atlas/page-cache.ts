import { LRUCache } from 'lru-cache';

// Rendered successful responses, keyed by everything that shapes their bytes (content type,
// base URL, request-target). Serializing a 100-checkpoint page costs more than the rest of a
// request, and a page that has not changed need not be rebuilt: the cache is emptied on every
// store write and bounded in bytes (the least recently used pages go first).

export class PageCache {
  private readonly pages: LRUCache<string, Buffer>;

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.pages = new LRUCache({ maxSize: maxBytes, sizeCalculation: (body) => body.length || 1 });
  }

  get size(): number {
    return this.pages.size;
  }

  get(key: string): Buffer | undefined {
    return this.pages.get(key);
  }

  set(key: string, body: Buffer): void {
    // A page larger than the whole cache is not kept (lru-cache refuses it too, with a warning).
    if (body.length <= this.pages.maxSize) this.pages.set(key, body);
  }

  clear(): void {
    this.pages.clear();
  }
}
