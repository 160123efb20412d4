import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type AtlasError } from '../atlas/errors.js';
import type { RateLimit } from '../config.js';

// Per-project token buckets (Atlas limits requests per project: atlas-fidelity.md 6, "Rate
// limits"). A bucket holds `capacity` tokens and refills continuously at capacity per period.

export type Take = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxBuckets = 10_000,
  ) {
    this.perMs = limit.capacity / limit.periodMs;
  }

  get size(): number {
    return this.buckets.size;
  }

  take(project: string): Take {
    const now = this.now();
    const bucket = this.buckets.get(project) ?? { tokens: this.limit.capacity, at: now };
    bucket.tokens = Math.min(this.limit.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.delete(project);
    this.buckets.set(project, bucket);
    this.evict();
    if (bucket.tokens < 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Bounded memory: the least recently used buckets go first (a forgotten bucket starts full). */
  private evict(): void {
    while (this.buckets.size > this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
  }
}

const PROJECT_PATH = /^\/api\/atlas\/(?:v1\.0|v2)\/groups\/([^/?]+)/;

/**
 * Takes a token from the bucket of the request's project and sets Atlas's RateLimit headers;
 * the 429 to answer when the bucket is empty. Requests outside a project are not limited.
 */
export function limitRate(limiter: RateLimiter, request: FastifyRequest, reply: FastifyReply): AtlasError | undefined {
  const match = PROJECT_PATH.exec(request.url);
  if (!match) return undefined;
  const { capacity, periodMs } = limiter.limit;
  const take = limiter.take(match[1]!);
  reply.header('ratelimit-limit', String(capacity)).header('ratelimit-remaining', String(take.allowed ? take.remaining : 0));
  if (take.allowed) return undefined;
  return errors.rateLimited(match[0], capacity, Number((periodMs / 60_000).toFixed(2)), take.retryAfterSeconds);
}
