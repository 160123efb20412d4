import { LRUCache } from 'lru-cache';

// Rendered successful responses, keyed by everything that shapes their bytes (content type,
// base URL, request-target). Serializing a 100-checkpoint page costs more than the rest of a
// request, and a page that has not changed need not be rebuilt. A page is dropped by every
// store write (the cache is emptied) and, where the emulator clock changes it (a live
// cluster's next checkpoint, a restore job finishing), once the clock reaches that moment.
// Bounded in bytes: the least recently used pages go first.

interface Page {
  body: Buffer;
  /** The first moment the clock changes this page (Infinity: only a write does). */
  validUntil: number;
}

export class PageCache {
  private readonly pages: LRUCache<string, Page>;

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.pages = new LRUCache({ maxSize: maxBytes, sizeCalculation: (page) => page.body.length || 1 });
  }

  get size(): number {
    return this.pages.size;
  }

  /** The page, if it still holds at `now`. */
  get(key: string, now: number): Buffer | undefined {
    const page = this.pages.get(key);
    return page && now < page.validUntil ? page.body : undefined;
  }

  set(key: string, body: Buffer, validUntil = Infinity): void {
    // A page larger than the whole cache is not kept (lru-cache refuses it too, with a warning).
    if (body.length <= this.pages.maxSize) this.pages.set(key, { body, validUntil });
  }

  clear(): void {
    this.pages.clear();
  }
}
