import type { Path } from './validation.js';

// Reading a JSON document of any size in constant memory. A fixture document can hold
// millions of checkpoints: it is read as a stream of its parts instead of as one value. The
// shape names the arrays worth streaming (projects, each project's clusters, each cluster's
// checkpoints); each of their elements is delivered on its own, parsed with JSON.parse (fast:
// the scan only finds where an element ends), and every object that holds such arrays is
// delivered once complete with those arrays standing as []. A value already in memory is
// walked into the same calls in the same order, so one loader serves files, request bodies
// and objects.

/** Keys whose array values are streamed, each with the shape of its elements ('leaf': taken whole). */
export type Shape = { readonly [key: string]: Shape | 'leaf' };

export interface StreamSink {
  /** An element of a streamed array of leaves. */
  element(path: Path, value: unknown): void;
  /** A value at a shaped place (the root, an element of a streamed array of shapes), complete. */
  container(path: Path, value: unknown): void;
}

export class JsonSyntaxError extends Error {}

enum State {
  Root,
  Done,
  /** After `{`: a key or `}`. */
  ObjectFirst,
  /** After `,` in an object: a key. */
  ObjectKey,
  ObjectColon,
  ObjectValue,
  /** After an object member: `,` or `}`. */
  ObjectNext,
  /** After `[`: a value or `]`. */
  ArrayFirst,
  ArrayValue,
  ArrayNext,
}

interface ObjectFrame {
  array: false;
  shape: Shape;
  path: Path;
  value: Record<string, unknown>;
  key: string;
}
interface ArrayFrame {
  array: true;
  element: Shape | 'leaf';
  path: Path;
  index: number;
}
type Frame = ObjectFrame | ArrayFrame;

/** A value being read whole: where it started and how far its scan has come. */
interface Capture {
  pieces: Buffer[];
  start: number;
  kind: 'string' | 'nested' | 'literal';
  depth: number;
  inString: boolean;
  escape: boolean;
  /** Byte offset of its first byte, for error messages. */
  at: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDelimiter = (c: number) => c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c);

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

export class StreamingJsonReader {
  private readonly frames: Frame[] = [];
  private state = State.Root;
  private capture: Capture | null = null;
  /** Bytes consumed before the current chunk. */
  private offset = 0;

  constructor(
    private readonly shape: Shape,
    private readonly sink: StreamSink,
  ) {}

  write(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.capture) {
        i = this.scanCapture(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      i = this.structural(i, c);
    }
    if (this.capture) {
      this.capture.pieces.push(Buffer.from(chunk.subarray(this.capture.start)));
      this.capture.start = 0;
    }
    this.offset += chunk.length;
  }

  end(): void {
    // A number, true, false or null as the whole document ends with the input.
    if (this.capture?.kind === 'literal' && this.frames.length === 0) this.finishCapture(Buffer.alloc(0), 0);
    if (this.state !== State.Done || this.capture) throw new JsonSyntaxError('unexpected end of the JSON document');
  }

  private fail(c: number, at: number): never {
    throw new JsonSyntaxError(`unexpected ${describe(c)} at byte ${this.offset + at}`);
  }

  /** One structural byte (not whitespace, not inside a captured value); returns the next index. */
  private structural(i: number, c: number): number {
    const frame = this.frames[this.frames.length - 1];
    switch (this.state) {
      case State.Root:
        if (c === 0x7b) return this.openObject(this.shape, [], i);
        return this.startCapture(i, c);
      case State.Done:
        return this.fail(c, i);
      case State.ObjectFirst:
      case State.ObjectKey:
        if (c === 0x7d && this.state === State.ObjectFirst) return this.closeObject(i);
        if (c !== QUOTE) return this.fail(c, i);
        return this.startCapture(i, c);
      case State.ObjectColon:
        if (c !== 0x3a) return this.fail(c, i);
        this.state = State.ObjectValue;
        return i + 1;
      case State.ObjectValue: {
        const object = frame as ObjectFrame;
        const element = Object.hasOwn(object.shape, object.key) ? object.shape[object.key]! : undefined;
        if (element !== undefined && c === 0x5b) {
          object.value[object.key] = [];
          this.frames.push({ array: true, element, path: [...object.path, object.key], index: 0 });
          this.state = State.ArrayFirst;
          return i + 1;
        }
        return this.startCapture(i, c);
      }
      case State.ObjectNext:
        if (c === 0x2c) {
          this.state = State.ObjectKey;
          return i + 1;
        }
        if (c === 0x7d) return this.closeObject(i);
        return this.fail(c, i);
      case State.ArrayFirst:
      case State.ArrayValue: {
        if (c === 0x5d && this.state === State.ArrayFirst) return this.closeArray(i);
        const array = frame as ArrayFrame;
        if (array.element !== 'leaf' && c === 0x7b) return this.openObject(array.element, [...array.path, array.index], i);
        return this.startCapture(i, c);
      }
      case State.ArrayNext:
        if (c === 0x2c) {
          (frame as ArrayFrame).index++;
          this.state = State.ArrayValue;
          return i + 1;
        }
        if (c === 0x5d) return this.closeArray(i);
        return this.fail(c, i);
    }
  }

  private openObject(shape: Shape, path: Path, i: number): number {
    this.frames.push({ array: false, shape, path, value: {}, key: '' });
    this.state = State.ObjectFirst;
    return i + 1;
  }

  private closeObject(i: number): number {
    const frame = this.frames.pop() as ObjectFrame;
    this.afterValue();
    this.sink.container(frame.path, frame.value);
    return i + 1;
  }

  private closeArray(i: number): number {
    this.frames.pop();
    this.afterValue();
    return i + 1;
  }

  /** The state after a complete value, from the frame that holds it. */
  private afterValue(): void {
    const frame = this.frames[this.frames.length - 1];
    this.state = frame === undefined ? State.Done : frame.array ? State.ArrayNext : State.ObjectNext;
  }

  private startCapture(i: number, c: number): number {
    if (c === 0x2c || c === 0x3a || c === 0x5d || c === 0x7d) return this.fail(c, i);
    const kind = c === QUOTE ? 'string' : c === 0x7b || c === 0x5b ? 'nested' : 'literal';
    this.capture = { pieces: [], start: i, kind, depth: kind === 'nested' ? 1 : 0, inString: false, escape: false, at: this.offset + i };
    return kind === 'literal' ? i : i + 1;
  }

  /** Scans a captured value as far as this chunk goes; returns the next index. */
  private scanCapture(chunk: Buffer, i: number): number {
    const capture = this.capture!;
    const n = chunk.length;
    if (capture.kind === 'literal') {
      while (i < n && !isDelimiter(chunk[i]!)) i++;
      return i < n ? this.finishCapture(chunk, i) : n;
    }
    let { depth, inString, escape: escaped } = capture;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (escaped) {
        escaped = false;
      } else if (inString || capture.kind === 'string') {
        if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          if (capture.kind === 'string') return this.finishCapture(chunk, i + 1);
          inString = false;
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return this.finishCapture(chunk, i + 1);
      }
    }
    Object.assign(capture, { depth, inString, escape: escaped });
    return n;
  }

  /** Parses the captured value (ending before `end`) and hands it on. */
  private finishCapture(chunk: Buffer, end: number): number {
    const capture = this.capture!;
    this.capture = null;
    const tail = chunk.subarray(capture.start, end);
    const text = (capture.pieces.length === 0 ? tail : Buffer.concat([...capture.pieces, tail])).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new JsonSyntaxError(`${(err as Error).message} (in the value at byte ${capture.at})`);
    }
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      this.state = State.Done;
      this.sink.container([], value);
    } else if (!frame.array && (this.state === State.ObjectFirst || this.state === State.ObjectKey)) {
      frame.key = value as string;
      this.state = State.ObjectColon;
    } else if (!frame.array) {
      frame.value[frame.key] = value;
      this.state = State.ObjectNext;
    } else {
      this.state = State.ArrayNext;
      const path = [...frame.path, frame.index];
      if (frame.element === 'leaf') this.sink.element(path, value);
      else this.sink.container(path, value);
    }
    return end;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Delivers a value already in memory as the reader would deliver its JSON text. Containers
 * are fresh copies: validation may fill in defaults without touching the caller's object.
 */
export function walkValue(value: unknown, shape: Shape, sink: StreamSink, path: Path = []): void {
  if (!isPlainObject(value)) {
    sink.container(path, value);
    return;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const element = Object.hasOwn(shape, key) ? shape[key]! : undefined;
    if (element === undefined || !Array.isArray(member)) {
      copy[key] = structuredClone(member);
      continue;
    }
    copy[key] = [];
    member.forEach((item, index) => {
      if (element === 'leaf') sink.element([...path, key, index], structuredClone(item));
      else walkValue(item, element, sink, [...path, key, index]);
    });
  }
  sink.container(path, copy);
}
