import { DAY, HOUR, MINUTE, SECOND, WEEK } from './time.js';
/** Where the emulator reads the time: injected, so that tests move a clock instead of sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ClockError extends Error {}

// ISO 8601 durations of fixed length: weeks, days, hours, minutes, seconds (PT6H, P2D, P1DT12H,
// PT0.5S). Years and months have no fixed length, so they are refused rather than guessed.
const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;
const MS = { week: WEEK, day: DAY, hour: HOUR, minute: MINUTE, second: SECOND };

/** Milliseconds of an ISO 8601 duration like PT6H or P2D; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const [, w = 0, d = 0, h = 0, min = 0, s = 0] = m;
  return Math.round(Number(w) * MS.week + Number(d) * MS.day + Number(h) * MS.hour + Number(min) * MS.minute + Number(s) * MS.second);
}

export interface ClockState {
  now: string;
  frozen: boolean;
}

/**
 * The emulator's clock: the system clock, or a frozen instant, moved on command. Everything
 * time-dependent reads it (nonce and token lifetimes, rate-limit buckets, the live data). It
 * moves forward only: what has happened stays happened.
 */
export class EmulatorClock implements Clock {
  /** Added to the system time while the clock runs. */
  private offset = 0;
  /** The instant the clock stands at while frozen. */
  private frozenAt: number | undefined;
  private readonly listeners = new Set<() => void>();

  /** `start`: undefined for the system clock, else the instant a frozen clock starts at. */
  constructor(
    private readonly start: number | undefined,
    private readonly system: () => number = Date.now,
  ) {
    this.frozenAt = start;
  }

  now(): number {
    return this.frozenAt ?? this.system() + this.offset;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  state(): ClockState {
    return { now: new Date(this.now()).toISOString(), frozen: this.frozen };
  }

  /** Runs `fn` after a reset, the one move that takes the clock back. */
  onReset(fn: () => void): void {
    this.listeners.add(fn);
  }

  /** Jumps to an instant, frozen or running as before. */
  set(instant: number): void {
    const now = this.now();
    if (instant < now)
      throw new ClockError(
        `the emulator clock only moves forward: ${new Date(instant).toISOString()} is before its time, ${new Date(now).toISOString()}`,
      );
    if (this.frozenAt !== undefined) this.frozenAt = instant;
    else this.offset = instant - this.system();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  /** Stops the clock at its time, or lets it run on from there. */
  freeze(frozen: boolean): void {
    if (frozen === this.frozen) return;
    const now = this.now();
    if (frozen) this.frozenAt = now;
    else {
      this.frozenAt = undefined;
      this.offset = now - this.system();
    }
  }

  /** Back to the start setting (the one case where time goes back). */
  reset(): void {
    this.offset = 0;
    this.frozenAt = this.start;
    for (const listener of this.listeners) listener();
  }
}
