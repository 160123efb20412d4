import type { FastifyRequest } from 'fastify';
import { pathOf } from '../atlas/error-handler.js';
import { boolean, integer, invalid, object, oneOf, string, type Obj } from './input.js';
import { compilePathPattern } from './journal.js';

// Fault rules: which requests misbehave, how, and how often. A rule is validated whole before
// it is stored (a malformed one is a 400 naming the field). Probabilities and random delays
// come from a generator seeded per rule, so the same seed and the same requests replay the
// same faults.

export type FaultEffect =
  | { type: 'error'; status: 500 | 503 | 429; retryAfterSeconds?: number }
  | { type: 'delay'; ms: number }
  | { type: 'delay'; minMs: number; maxMs: number }
  | { type: 'drop' }
  | { type: 'truncate'; bytes?: number };

/** An effect as given: an error's status defaults to 500, a 429's retryAfterSeconds to 1. */
export type FaultEffectInput =
  | Exclude<FaultEffect, { type: 'error' }>
  | { type: 'error'; status?: 500 | 503 | 429; retryAfterSeconds?: number };

export interface FaultMatch {
  method?: string;
  path?: string;
  groupId?: string;
  clusterName?: string;
  /** The API key's public key or the service account's client id that authenticated. */
  key?: string;
  pageNum?: number;
}

/** A rule as given to POST /_emulator/faults (and to `faults.add()`). */
export interface FaultRuleInput {
  match?: FaultMatch;
  effect: FaultEffectInput;
  /** Applies this many times, then no more. */
  times?: number;
  /** Applies to each matching request with this probability (0..1]. */
  probability?: number;
  /** Also unauthenticated requests (Digest challenges, OAuth token calls); default false. */
  everyRequest?: boolean;
  /** Seed of this rule's generator (probability and random delays); default ATLAS_EMU_SEED. */
  seed?: number;
}

/** A stored rule as GET /_emulator/faults shows it. */
export interface FaultRuleView extends Required<Pick<FaultRuleInput, 'match' | 'everyRequest' | 'seed'>> {
  id: string;
  effect: FaultEffect;
  times: number | null;
  probability: number | null;
  applied: number;
}

const MAX_DELAY_MS = 600_000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function parseEffect(value: unknown): FaultEffect {
  const type = (value as Obj | null)?.type;
  switch (type) {
    case 'error': {
      const o = object(value, 'effect', ['type', 'status', 'retryAfterSeconds']);
      const status = o.status === undefined ? 500 : o.status;
      if (status !== 500 && status !== 503 && status !== 429) throw invalid('effect.status', 'must be 500, 503 or 429');
      if (o.retryAfterSeconds !== undefined && status !== 429) throw invalid('effect.retryAfterSeconds', 'applies to status 429 only');
      return status === 429
        ? { type, status, retryAfterSeconds: o.retryAfterSeconds === undefined ? 1 : integer(o.retryAfterSeconds, 'effect.retryAfterSeconds', 0, 86_400) }
        : { type, status };
    }
    case 'delay': {
      const o = object(value, 'effect', ['type', 'ms', 'minMs', 'maxMs']);
      if (o.ms !== undefined) {
        if (o.minMs !== undefined || o.maxMs !== undefined) throw invalid('effect.ms', 'give either ms or minMs and maxMs');
        return { type, ms: integer(o.ms, 'effect.ms', 0, MAX_DELAY_MS) };
      }
      const minMs = integer(o.minMs, 'effect.minMs', 0, MAX_DELAY_MS);
      const maxMs = integer(o.maxMs, 'effect.maxMs', minMs, MAX_DELAY_MS);
      return { type, minMs, maxMs };
    }
    case 'drop':
      object(value, 'effect', ['type']);
      return { type };
    case 'truncate': {
      const o = object(value, 'effect', ['type', 'bytes']);
      return o.bytes === undefined ? { type } : { type, bytes: integer(o.bytes, 'effect.bytes', 0, 2 ** 31 - 1) };
    }
    default:
      object(value, 'effect', ['type']);
      throw invalid('effect.type', 'must be one of error, delay, drop, truncate');
  }
}

function parseMatch(value: unknown): FaultMatch {
  if (value === undefined) return {};
  const o = object(value, 'match', ['method', 'path', 'groupId', 'clusterName', 'key', 'pageNum']);
  const match: FaultMatch = {};
  if (o.method !== undefined) {
    const method = string(o.method, 'match.method').toUpperCase();
    match.method = oneOf(method, 'match.method', METHODS);
  }
  if (o.path !== undefined) {
    match.path = string(o.path, 'match.path');
    if (!match.path.startsWith('/')) throw invalid('match.path', 'must start with /');
  }
  if (o.groupId !== undefined) match.groupId = string(o.groupId, 'match.groupId');
  if (o.clusterName !== undefined) match.clusterName = string(o.clusterName, 'match.clusterName');
  if (o.key !== undefined) match.key = string(o.key, 'match.key');
  if (o.pageNum !== undefined) match.pageNum = integer(o.pageNum, 'match.pageNum', 1, 2 ** 31 - 1);
  return match;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultRule {
  applied = 0;
  private readonly path: RegExp | undefined;
  private readonly random: () => number;

  constructor(
    readonly id: string,
    readonly match: FaultMatch,
    readonly effect: FaultEffect,
    readonly times: number | null,
    readonly probability: number | null,
    readonly everyRequest: boolean,
    readonly seed: number,
  ) {
    this.path = match.path === undefined ? undefined : compilePathPattern(match.path);
    this.random = seededRandom(seed);
  }

  get exhausted(): boolean {
    return this.times !== null && this.applied >= this.times;
  }

  /** Whether this rule matches the request (the probability is not drawn here). */
  matches(request: FastifyRequest, path: string): boolean {
    const m = this.match;
    if (m.method !== undefined && request.method !== m.method) return false;
    if (this.path !== undefined && !this.path.test(path)) return false;
    const params = request.params as Partial<Record<'groupId' | 'clusterName' | 'checkpointId', string>>;
    if (m.groupId !== undefined && params.groupId !== m.groupId) return false;
    if (m.clusterName !== undefined && params.clusterName !== m.clusterName) return false;
    if (m.key !== undefined && request.principal?.id !== m.key) return false;
    if (m.pageNum !== undefined) {
      // Only list requests have pages; an absent pageNum is page 1, as the API reads it.
      if (params.clusterName === undefined || params.checkpointId !== undefined) return false;
      const q = request.url.indexOf('?');
      const raw = q < 0 ? null : new URLSearchParams(request.url.slice(q + 1)).get('pageNum');
      if ((raw === null ? 1 : Number(raw)) !== m.pageNum) return false;
    }
    return true;
  }

  /** Draws from the rule's generator: does the rule fire this time? Counts it when it does. */
  fire(): boolean {
    if (this.probability !== null && this.random() >= this.probability) return false;
    this.applied++;
    return true;
  }

  /** The delay of a delay effect, random ones drawn from the rule's generator. */
  delayMs(effect: Extract<FaultEffect, { type: 'delay' }>): number {
    return 'ms' in effect ? effect.ms : effect.minMs + Math.floor(this.random() * (effect.maxMs - effect.minMs + 1));
  }

  view(): FaultRuleView {
    return {
      id: this.id,
      match: this.match,
      effect: this.effect,
      times: this.times,
      probability: this.probability,
      everyRequest: this.everyRequest,
      seed: this.seed,
      applied: this.applied,
    };
  }
}

/** The active rules. `size` is the hot path's one check: no rules, no fault work. */
export class FaultRules {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(private readonly defaultSeed: number) {}

  get size(): number {
    return this.rules.length;
  }

  /** Validates untrusted input whole (throws a 400 AtlasError naming the field), then adds the rule. */
  add(input: unknown): FaultRule {
    const o = object(input, 'body', ['match', 'effect', 'times', 'probability', 'everyRequest', 'seed']);
    if (o.effect === undefined) throw invalid('effect', 'is required');
    const effect = parseEffect(o.effect);
    const match = parseMatch(o.match);
    const times = o.times === undefined ? null : integer(o.times, 'times', 1, 2 ** 31 - 1);
    let probability: number | null = null;
    if (o.probability !== undefined) {
      if (typeof o.probability !== 'number' || !(o.probability > 0 && o.probability <= 1)) throw invalid('probability', 'must be a number in (0, 1]');
      probability = o.probability;
    }
    const everyRequest = o.everyRequest === undefined ? false : boolean(o.everyRequest, 'everyRequest');
    // Unauthenticated requests have no key to match: such a rule could never fire.
    if (everyRequest && match.key !== undefined) throw invalid('match.key', 'needs an authenticated request; it cannot be combined with everyRequest');
    const seed = o.seed === undefined ? this.defaultSeed : integer(o.seed, 'seed', 0, 2 ** 32 - 1);
    const rule = new FaultRule(`fault-${this.nextId++}`, match, effect, times, probability, everyRequest, seed);
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.nextId = 1;
  }

  /**
   * The first live rule that matches and fires for this request at this stage (before auth:
   * everyRequest rules only; after auth: the others), or undefined.
   */
  pick(request: FastifyRequest, afterAuth: boolean): FaultRule | undefined {
    const path = pathOf(request.url);
    for (const rule of this.rules) {
      if (rule.everyRequest === afterAuth || rule.exhausted) continue;
      if (rule.matches(request, path) && rule.fire()) return rule;
    }
    return undefined;
  }
}
