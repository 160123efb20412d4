import { fieldOf, pathOf } from '../lib/urls.js';
import type { Principal } from '../model/authentication.js';
import { invalid } from '../model/control-input.js';
import { seededRandom } from '../lib/random.js';
import { compilePathPattern } from './journal.js';
import type { FaultEffectInput, FaultMatch, FaultRuleInput, ValidFaultRule } from '../model/control-schemas.js';

// Fault rules: which requests misbehave, how, and how often. A rule's shape is checked by its
// schema (FaultRuleInputSchema) before it gets here; the rules that span fields are checked
// here, and a rule is stored whole or not at all. Probabilities and random delays come from a
// generator seeded per rule, so the same seed and the same requests replay the same faults.

export type FaultEffect =
  | { type: 'error'; status: 500 | 503 | 429; retryAfterSeconds?: number }
  | { type: 'delay'; ms: number }
  | { type: 'delay'; minMs: number; maxMs: number }
  | { type: 'drop' }
  | { type: 'truncate'; bytes?: number };

export type { FaultEffectInput, FaultMatch, FaultRuleInput };

/** What a rule matches on (a Fastify request of the Atlas pipeline is one). */
export interface FaultTarget {
  method: string;
  url: string;
  params: unknown;
  query: unknown;
  /** Who authenticated (after authentication), else null. */
  principal: Principal | null;
  /** The route's config: `paged` on a list operation. */
  routeOptions: { config: { paged?: boolean } };
}

/** A stored rule as GET /_emulator/faults shows it. */
export interface FaultRuleView {
  id: string;
  match: FaultMatch;
  effect: FaultEffect;
  times: number | null;
  probability: number | null;
  everyRequest: boolean;
  seed: number;
  applied: number;
}

/** The effect with its defaults, after the checks that span its fields. */
function effectOf(input: ValidFaultRule['effect']): FaultEffect {
  switch (input.type) {
    case 'error': {
      const { status } = input;
      if (input.retryAfterSeconds !== undefined && status !== 429) throw invalid('effect.retryAfterSeconds', 'applies to status 429 only');
      return status === 429 ? { type: 'error', status, retryAfterSeconds: input.retryAfterSeconds ?? 1 } : { type: 'error', status };
    }
    case 'delay': {
      const { ms, minMs, maxMs } = input;
      if (ms !== undefined && minMs === undefined && maxMs === undefined) return { type: 'delay', ms };
      if (ms !== undefined || minMs === undefined || maxMs === undefined)
        throw invalid('effect', 'a delay gives either ms or both minMs and maxMs');
      if (maxMs < minMs) throw invalid('effect.maxMs', `must be at least minMs (${minMs})`);
      return { type: 'delay', minMs, maxMs };
    }
    default:
      return input;
  }
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
  matches(request: FaultTarget, path: string): boolean {
    const m = this.match;
    if (m.method !== undefined && request.method !== m.method) return false;
    if (this.path !== undefined && !this.path.test(path)) return false;
    if (m.groupId !== undefined && fieldOf(request.params, 'groupId') !== m.groupId) return false;
    if (m.clusterName !== undefined && fieldOf(request.params, 'clusterName') !== m.clusterName) return false;
    if (m.key !== undefined && request.principal?.id !== m.key) return false;
    if (m.pageNum !== undefined) {
      // Only list operations have pages (their route says so); an absent pageNum is page 1, as the API reads it.
      if (!request.routeOptions.config.paged) return false;
      const raw = fieldOf(request.query, 'pageNum');
      if ((raw === undefined ? 1 : Number(raw)) !== m.pageNum) return false;
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

  /** Adds a rule whose shape its schema has checked (throws a 400 AtlasError naming the field for the rest). */
  add(input: ValidFaultRule): FaultRule {
    const effect = effectOf(input.effect);
    const match: FaultMatch = { ...input.match };
    if (match.method !== undefined) match.method = match.method.toUpperCase();
    const everyRequest = input.everyRequest ?? false;
    // Unauthenticated requests have no key to match: such a rule could never fire.
    if (everyRequest && match.key !== undefined)
      throw invalid('match.key', 'needs an authenticated request; it cannot be combined with everyRequest');
    const rule = new FaultRule(
      `fault-${this.nextId++}`,
      match,
      effect,
      input.times ?? null,
      input.probability ?? null,
      everyRequest,
      input.seed ?? this.defaultSeed,
    );
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
  pick(request: FaultTarget, afterAuth: boolean): FaultRule | undefined {
    const path = pathOf(request.url);
    for (const rule of this.rules) {
      if (rule.everyRequest === afterAuth || rule.exhausted) continue;
      if (rule.matches(request, path) && rule.fire()) return rule;
    }
    return undefined;
  }
}
