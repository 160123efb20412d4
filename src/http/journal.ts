import type { IncomingHttpHeaders } from 'node:http';
import { pathOf, queryOf } from '../lib/urls.js';
import type { Clock } from '../lib/clock.js';
import type { FaultEffect } from './fault-rules.js';
import type { AuthFailureReason, Principal } from '../model/authentication.js';
import type { AUTH_OUTCOMES, JournalFilterInput } from '../model/control-schemas.js';

// The request journal: what clients asked and what they got, for tests to assert on. It is
// written on every request, so recording fills in one of the ring's preallocated entries;
// everything shaped for reading (ISO time, path, query) is computed when someone reads it.
// Secrets never enter it: the Authorization header is cut to its scheme and user name.

export type AuthOutcome = (typeof AUTH_OUTCOMES)[number];

/** What the journal reads of an answered request (a Fastify request of the Atlas pipeline is one). */
export interface JournalRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Who authenticated, if anyone did. */
  principal: Principal | null;
  /** Why authentication refused the request, if it did. */
  authFailure: AuthFailureReason | null;
  /** The uri a Digest header signed, if it is not the request-target. */
  signedUri: string | null;
  /** Why its answer refused the request, in words, if it did. */
  refusal: string | null;
}

/** What the journal holds for one request (internal; see JournalEntry for the public view). */
interface Recorded {
  seq: number;
  at: number;
  method: string;
  url: string;
  accept: string | undefined;
  userAgent: string | undefined;
  contentType: string | undefined;
  /** The Authorization header's scheme and user name: all of it the journal keeps. */
  authScheme: string | undefined;
  authUser: string | undefined;
  /** null: the connection was dropped before any status was sent. */
  status: number | null;
  latencyMs: number;
  principal: string | undefined;
  authFailure: string | undefined;
  signedUri: string | undefined;
  reason: string | undefined;
  fault: AppliedFault | null;
}

export interface AppliedFault {
  id: string;
  effect: FaultEffect['type'];
  /** The delay a delay effect chose (random ones replay with the rule's seed). */
  delayMs?: number;
}

export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  url: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  status: number | null;
  latencyMs: number;
  auth: { outcome: AuthOutcome; principal?: string; reason?: string; signedUri?: string };
  /** Why the request was refused, in words (authentication's refusals have auth.reason instead). */
  reason?: string;
  /** True for the unauthenticated first call a Digest client makes to get a nonce. */
  challenge: boolean;
  fault: AppliedFault | null;
}

export interface JournalFilter {
  method?: string;
  /** A path pattern (see compilePathPattern). */
  path?: RegExp;
  status?: number;
  /** Epoch milliseconds: entries at or after it. */
  since?: number;
  challenge?: boolean;
  authOutcome?: AuthOutcome;
  principal?: string;
  faulted?: boolean;
}

/** `*` matches within one path segment, `**` across segments; everything else is literal. */
export function compilePathPattern(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** `Digest username="x", ...` -> Digest and x; Basic -> its user; a bearer token or anything else -> its scheme only. */
function reduceAuthorization(header: string): [scheme: string, user: string | undefined] {
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (/^digest$/i.test(scheme)) return [scheme, /username="([^"]*)"/i.exec(header)?.[1]];
  if (/^basic$/i.test(scheme)) {
    const user = Buffer.from(header.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = user.indexOf(':');
    return [scheme, colon < 0 ? undefined : user.slice(0, colon)];
  }
  return [scheme, undefined];
}

function outcomeOf(entry: Recorded): AuthOutcome {
  if (entry.principal !== undefined) return 'authenticated';
  if (entry.authFailure === 'missing_credentials') return 'challenge';
  return entry.authFailure === undefined ? 'none' : 'rejected';
}

function view(entry: Recorded): JournalEntry {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of queryOf(entry.url)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  const headers: Record<string, string> = {};
  if (entry.accept !== undefined) headers.accept = entry.accept;
  if (entry.authScheme !== undefined) {
    headers.authorization = entry.authUser === undefined ? entry.authScheme : `${entry.authScheme} username="${entry.authUser}"`;
  }
  if (entry.contentType !== undefined) headers['content-type'] = entry.contentType;
  if (entry.userAgent !== undefined) headers['user-agent'] = entry.userAgent;
  const outcome = outcomeOf(entry);
  const auth: JournalEntry['auth'] = { outcome };
  if (entry.principal !== undefined) auth.principal = entry.principal;
  if (entry.authFailure !== undefined) auth.reason = entry.authFailure;
  if (entry.signedUri !== undefined) auth.signedUri = entry.signedUri;
  return {
    seq: entry.seq,
    time: new Date(entry.at).toISOString(),
    method: entry.method,
    url: entry.url,
    path: pathOf(entry.url),
    query,
    headers,
    status: entry.status,
    latencyMs: Math.round(entry.latencyMs * 1000) / 1000,
    auth,
    ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    challenge: outcome === 'challenge',
    fault: entry.fault,
  };
}

function matches(entry: Recorded, filter: JournalFilter): boolean {
  return (
    (filter.method === undefined || entry.method === filter.method) &&
    (filter.path === undefined || filter.path.test(pathOf(entry.url))) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.since === undefined || entry.at >= filter.since) &&
    (filter.challenge === undefined || (outcomeOf(entry) === 'challenge') === filter.challenge) &&
    (filter.authOutcome === undefined || outcomeOf(entry) === filter.authOutcome) &&
    (filter.principal === undefined || entry.principal === filter.principal) &&
    (filter.faulted === undefined || (entry.fault !== null) === filter.faulted)
  );
}

/** A journal filter from its validated input (a query string, a JSON matcher or the in-process API). */
export function journalFilter(input: JournalFilterInput): JournalFilter {
  const { method, path, since, ...rest } = input;
  return {
    ...rest,
    ...(method === undefined ? {} : { method: method.toUpperCase() }),
    ...(path === undefined ? {} : { path: compilePathPattern(path) }),
    ...(since === undefined ? {} : { since: Date.parse(since) }),
  };
}

/** A bounded ring of the latest requests; the oldest entry goes when it is full. */
export class RequestJournal {
  /** Entries made once and written over: the journal allocates nothing per request. */
  private readonly ring: Recorded[];
  private seq = 0;

  constructor(
    readonly capacity: number,
    private readonly clock: Clock,
  ) {
    this.ring = Array.from(
      { length: capacity },
      (): Recorded => ({
        seq: 0,
        at: 0,
        method: '',
        url: '',
        accept: undefined,
        userAgent: undefined,
        contentType: undefined,
        authScheme: undefined,
        authUser: undefined,
        status: null,
        latencyMs: 0,
        principal: undefined,
        authFailure: undefined,
        signedUri: undefined,
        reason: undefined,
        fault: null,
      }),
    );
  }

  /** Requests recorded since the start or the last clear, including those evicted. */
  get total(): number {
    return this.seq;
  }

  /** Records one answered request: its status (null: the connection was dropped), how long it took, the fault applied to it. */
  record(request: JournalRequest, status: number | null, latencyMs: number, fault: AppliedFault | null): void {
    if (this.capacity === 0) return;
    const { headers, principal } = request;
    const authorization = headers.authorization;
    const seq = this.seq++;
    const entry = this.ring[seq % this.capacity]!;
    entry.authScheme = entry.authUser = undefined;
    // The common case (a Digest request that authenticated) needs no parsing: the user is the principal.
    if (authorization !== undefined) {
      if (principal !== null && principal.kind === 'apiKey' && authorization.startsWith('Digest ')) {
        entry.authScheme = 'Digest';
        entry.authUser = principal.id;
      } else {
        [entry.authScheme, entry.authUser] = reduceAuthorization(authorization);
      }
    }
    entry.seq = seq;
    entry.at = this.clock.now();
    entry.method = request.method;
    entry.url = request.url;
    entry.accept = headers.accept;
    entry.userAgent = headers['user-agent'];
    entry.contentType = headers['content-type'];
    entry.status = status;
    entry.latencyMs = latencyMs;
    entry.principal = principal?.id;
    entry.authFailure = request.authFailure ?? undefined;
    entry.signedUri = request.signedUri ?? undefined;
    entry.reason = request.refusal ?? undefined;
    entry.fault = fault;
  }

  /** Matching entries, oldest first; with `limit`, the newest `limit` of them. */
  list(filter: JournalFilter = {}, limit = Infinity): JournalEntry[] {
    const found = [...this.matching(filter)];
    return found.slice(Math.max(0, found.length - limit)).map(view);
  }

  count(filter: JournalFilter = {}): number {
    let n = 0;
    for (const _ of this.matching(filter)) n++;
    return n;
  }

  private *matching(filter: JournalFilter): Generator<Recorded> {
    for (let seq = Math.max(0, this.seq - this.capacity); seq < this.seq; seq++) {
      const entry = this.ring[seq % this.capacity]!;
      if (matches(entry, filter)) yield entry;
    }
  }

  clear(): void {
    this.seq = 0;
  }
}
