import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecordError } from './record-error.js';

// The recording's output: written to a new file beside the target and renamed over it once
// complete, so that the target is either the previous file or the whole new one, never a
// part. Written through a small buffer; a list that changed while it was read is written
// again from where it started (rewind).

const BUFFER_BYTES = 1 << 16;

export class AtomicFile {
  private readonly fd: number;
  private readonly temporary: string;
  private buffer = '';
  /** Bytes written to the file (the buffer not counted). */
  private written = 0;

  /** Opens the temporary file; a target that cannot be written is a RecordError before anything is read. */
  constructor(private readonly target: string) {
    let isFolder = false;
    try {
      isFolder = statSync(target).isDirectory();
    } catch {
      // No file there yet: the usual case.
    }
    if (isFolder) throw new RecordError(`cannot write ${target}: it is a folder`);
    this.temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      this.fd = openSync(this.temporary, 'wx', 0o644);
    } catch (err) {
      throw new RecordError(
        `cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} in ${dirname(target)}`,
      );
    }
  }

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= BUFFER_BYTES) this.flush();
  }

  /** Where the next write goes: a place to rewind to. */
  position(): number {
    return this.written + Buffer.byteLength(this.buffer);
  }

  /** Drops what was written after `position`. */
  rewind(position: number): void {
    this.flush();
    ftruncateSync(this.fd, position);
    this.written = position;
  }

  private flush(): void {
    if (this.buffer === '') return;
    const bytes = Buffer.from(this.buffer);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset, this.written + offset);
    this.written += bytes.length;
    this.buffer = '';
  }

  /** Puts the whole file in place of the target. */
  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    try {
      renameSync(this.temporary, this.target);
    } catch (err) {
      this.remove();
      throw new RecordError(`cannot write ${this.target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /** Leaves the target as it was. */
  discard(): void {
    closeSync(this.fd);
    this.remove();
  }

  private remove(): void {
    try {
      unlinkSync(this.temporary);
    } catch {
      // Already gone.
    }
  }
}
