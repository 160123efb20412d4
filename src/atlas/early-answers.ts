import FindMyWay from 'find-my-way';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasRepeatedAuthorization } from '../auth/authorization-header.js';
import type { DigestVerifier } from '../auth/digest-verifier.js';
import { canRead, type Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { FaultRules } from '../control/fault-rules.js';
import type { RequestJournal } from '../control/journal.js';
import { UnauthorizedError } from './errors.js';
import type { ApiVersion } from './links.js';
import { ERROR_CONTENT_TYPE, responseContentType } from './media-type.js';
import { pageKey, type ClusterParams } from './operations.js';
import type { PageCache } from './page-cache.js';

// Two answers given before Fastify, because they are most of what the emulator answers and
// Fastify's request pipeline cost more than the answers themselves:
// - the Digest challenge to a request without credentials (every Go client, the Atlas SDK,
//   the go-client, the Atlas CLI and Terraform, sends each call unsigned first);
// - a signed read whose page is in the page cache (the Fastify path then only checks the
//   signature and the caller's access, src/atlas/operations.ts respond()).
// Both with the bytes the Fastify path sends, journaled as it would journal them. Which
// requests these are is a router's decision: a find-my-way router of its own, with the options
// of Fastify's, holding the Atlas routes as they are registered. Anything else goes to
// Fastify: every other request, a read that the cache does not hold or the caller may not
// make, and every request while fault rules are armed, rate limits are on or the server is
// closing. A signature checked here is handed to Fastify's Digest strategy with the request
// (DigestVerifier.handOver), so that its nonce count is used once.

const BODY = Buffer.from(UnauthorizedError.BODY);
const LENGTH = String(BODY.length);

export interface EarlyAnswersOptions {
  digest: DigestVerifier;
  journal: RequestJournal;
  faults: FaultRules;
  cache: PageCache;
  clock: Clock;
  publicUrl: string | undefined;
  /** Rate limits need Fastify's path (their headers, their 429). */
  rateLimited: boolean;
  /** Fastify's router options, so that both routers match the same requests. */
  routerOptions: { maxParamLength: number };
}

/** What the router holds for a path: the methods Fastify routes there, and its API version. */
interface AtlasPath {
  methods: Set<string>;
  version: ApiVersion;
}

export class EarlyAnswers {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly paths = new Map<string, AtlasPath>();
  /** How many challenges and cached reads were answered here. */
  readonly answered = { challenges: 0, reads: 0 };

  constructor(private readonly options: EarlyAnswersOptions) {
    this.router = FindMyWay({ maxParamLength: options.routerOptions.maxParamLength });
  }

  /**
   * Records an Atlas route (every method Fastify routes there, its 405s included). One entry per
   * path, holding its methods: a find-my-way entry per method cost two compiled functions each,
   * several milliseconds of every start.
   */
  add(methods: string[], url: string, version: ApiVersion): void {
    let path = this.paths.get(url);
    if (!path) {
      path = { methods: new Set(), version };
      this.paths.set(url, path);
      this.router.on('GET', url, () => undefined, path);
    }
    for (const method of methods) path.methods.add(method);
  }

  /** Answers the request if it is one of the two kinds above; false: Fastify's to answer. */
  answer(request: IncomingMessage, response: ServerResponse, closing: boolean): boolean {
    if (closing || this.options.faults.size > 0) return false;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && (this.options.rateLimited || request.method !== 'GET' || !authorization.startsWith('Digest '))) return false;
    const url = request.url!;
    const query = url.indexOf('?');
    let found;
    try {
      // The path alone: the router would parse the query string for nothing.
      found = this.router.find('GET', query === -1 ? url : url.slice(0, query));
    } catch {
      // A malformed path: Fastify's to refuse.
      return false;
    }
    const path = found?.store as AtlasPath | undefined;
    if (!path?.methods.has(request.method!)) return false;
    const started = performance.now();
    return authorization === undefined
      ? this.challenge(request, response, started)
      : this.cachedRead(request, response, path.version, (found!.params as ClusterParams).groupId, started);
  }

  private challenge(request: IncomingMessage, response: ServerResponse, started: number): true {
    // Headers as a flat list: Node writes them as they are, without building a header map.
    response.writeHead(401, ['www-authenticate', this.options.digest.challenge(false), 'content-type', ERROR_CONTENT_TYPE, 'content-length', LENGTH]);
    response.end(BODY);
    this.answered.challenges++;
    this.journal(request, 401, started, null, 'missing_credentials');
    return true;
  }

  private cachedRead(request: IncomingMessage, response: ServerResponse, version: ApiVersion, groupId: string, started: number): boolean {
    const { digest, cache, clock, publicUrl } = this.options;
    if (hasRepeatedAuthorization(request.rawHeaders)) return false;
    const result = digest.verify('GET', request.url!, request.headers.authorization);
    const principal = result.ok ? result.principal : undefined;
    const contentType = principal && responseContentType(version, request.headers.accept);
    const body =
      principal && contentType !== undefined && canRead(principal, groupId) && (!principal.accessList || principal.accessList.allows(request.socket.remoteAddress!))
        ? cache.get(pageKey(contentType, publicUrl, request.headers.host, request.url!), clock.now())
        : undefined;
    if (!body) {
      digest.handOver(request, result);
      return false;
    }
    response.writeHead(200, ['content-type', contentType!, 'content-length', String(body.length)]);
    response.end(body);
    this.answered.reads++;
    this.journal(request, 200, started, principal!, null);
    return true;
  }

  private journal(request: IncomingMessage, status: number, started: number, principal: Principal | null, authFailure: 'missing_credentials' | null): void {
    const { method, url, headers } = request;
    this.options.journal.record({ method: method!, url: url!, headers, principal, authFailure }, status, performance.now() - started, null);
  }
}
