import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { errors, type AtlasError } from '../model/errors.js';
import type { RateLimit } from '../model/options.js';
import { groupPath } from '../model/links.js';
import { fieldOf } from '../lib/urls.js';

// Per-project token buckets (Atlas limits requests per project: docs/fidelity.md, "Rate
// limits"). A bucket holds `capacity` tokens and refills continuously at capacity per period.

export type Take = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  /** Bounded: the least recently used buckets go first (a forgotten bucket starts full). */
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly perMs: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    maxBuckets = 10_000,
  ) {
    this.perMs = limit.capacity / limit.periodMs;
    this.buckets = new LRUCache({ max: maxBuckets });
  }

  get size(): number {
    return this.buckets.size;
  }

  take(project: string): Take {
    const now = this.now();
    const bucket = this.buckets.get(project) ?? { tokens: this.limit.capacity, at: now };
    bucket.tokens = Math.min(this.limit.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(project, bucket);
    if (bucket.tokens < 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }
}

/**
 * Takes a token from the bucket of the request's project and sets Atlas's RateLimit headers;
 * the 429 to answer when the bucket is empty. Only Atlas operations (routes whose config names
 * their API version) are limited: every one of them is under a project.
 */
export function limitRate(limiter: RateLimiter, request: FastifyRequest, reply: FastifyReply): AtlasError | undefined {
  const { apiVersion } = request.routeOptions.config;
  const groupId = fieldOf(request.params, 'groupId');
  if (apiVersion === undefined || typeof groupId !== 'string') return undefined;
  const { capacity, periodMs } = limiter.limit;
  const take = limiter.take(groupId);
  reply.header('ratelimit-limit', String(capacity)).header('ratelimit-remaining', String(take.allowed ? take.remaining : 0));
  if (take.allowed) return undefined;
  return errors.rateLimited(groupPath(apiVersion, groupId), capacity, Number((periodMs / 60_000).toFixed(2)), take.retryAfterSeconds);
}
