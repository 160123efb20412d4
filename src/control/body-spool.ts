import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// A request body kept for a fixture load: in memory while small, in a temporary file beyond
// that, so that a body of any size costs the process a bounded amount of memory. The load
// reads it back in chunks once the whole body has arrived (a load is one transaction, and a
// transaction must not wait on the network).

const IN_MEMORY = 8 * 1024 * 1024;
const CHUNK = 1 << 20;

export class BodySpool {
  private readonly memory: Buffer[] = [];
  private size = 0;
  private file: { dir: string; path: string; fd: number } | undefined;

  /** Receives the whole stream; rejects with the stream's error (the spool is then disposed of). */
  static async receive(stream: Readable, limit: number): Promise<BodySpool> {
    const spool = new BodySpool();
    try {
      for await (const chunk of stream) {
        spool.write(chunk as Buffer);
        if (spool.size > limit)
          throw Object.assign(new Error(`the body exceeds ${limit} bytes`), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      }
    } catch (err) {
      spool.dispose();
      throw err;
    }
    return spool;
  }

  get bytes(): number {
    return this.size;
  }

  private write(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.file && this.size <= IN_MEMORY) {
      this.memory.push(chunk);
      return;
    }
    if (!this.file) {
      const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-body-'));
      const path = join(dir, 'body.json');
      this.file = { dir, path, fd: openSync(path, 'w+') };
      for (const held of this.memory.splice(0)) writeSync(this.file.fd, held);
    }
    writeSync(this.file.fd, chunk);
  }

  /** The body again, in chunks. */
  *chunks(): Generator<Buffer> {
    if (!this.file) {
      yield* this.memory;
      return;
    }
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let position = 0, n: number; (n = readSync(this.file.fd, buffer, 0, CHUNK, position)) > 0; position += n)
      yield buffer.subarray(0, n);
  }

  dispose(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = undefined;
  }
}
