import FindMyWay from 'find-my-way';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnauthorizedError } from '../atlas/errors.js';
import { ERROR_CONTENT_TYPE } from '../atlas/media-type.js';
import type { FaultRules } from '../control/fault-rules.js';
import type { RequestJournal } from '../control/journal.js';
import type { DigestVerifier } from './digest-verifier.js';

// The Digest challenge before Fastify. Every Go client (the Atlas SDK, the go-client, the
// Atlas CLI, Terraform) sends each call twice, unsigned first: half of what the emulator
// answers is this 401, and Fastify's request pipeline cost more than the answer itself. A
// request without an Authorization header to an Atlas operation's path is answered here, with
// the bytes the Fastify path sends (src/auth/plugin.ts), and journaled as it would be there.
// Which requests those are is a router's decision: a find-my-way router of its own, with the
// options of Fastify's, holding the Atlas routes as they are registered. Any other request,
// and every request while fault rules are armed or the server is closing, goes to Fastify.

const BODY = Buffer.from(UnauthorizedError.BODY);
const LENGTH = String(BODY.length);

export interface EarlyChallengeOptions {
  digest: DigestVerifier;
  journal: RequestJournal;
  faults: FaultRules;
  /** Fastify's router options, so that both routers match the same requests. */
  routerOptions: { maxParamLength: number };
}

export class EarlyChallenge {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  /** The methods routed at each path (the store of its router entry). */
  private readonly methods = new Map<string, Set<string>>();
  /** How many requests were answered here. */
  answered = 0;

  constructor(private readonly options: EarlyChallengeOptions) {
    this.router = FindMyWay({ maxParamLength: options.routerOptions.maxParamLength });
  }

  /**
   * Records an Atlas route (every method Fastify routes there, its 405s included). One entry per
   * path, holding its methods: a find-my-way entry per method cost a compiled function each,
   * several milliseconds of every start.
   */
  add(methods: string[], url: string): void {
    let known = this.methods.get(url);
    if (!known) {
      known = new Set();
      this.methods.set(url, known);
      this.router.on('GET', url, () => undefined, known);
    }
    for (const method of methods) known.add(method);
  }

  /** Answers the request if it is a bare one to an Atlas operation; false: Fastify's to answer. */
  answer(request: IncomingMessage, response: ServerResponse, closing: boolean): boolean {
    if (request.headers.authorization !== undefined || closing || this.options.faults.size > 0) return false;
    try {
      const found = this.router.find('GET', request.url!);
      if (found === null || !(found.store as Set<string>).has(request.method!)) return false;
    } catch {
      // A malformed path: Fastify's to refuse.
      return false;
    }
    const started = performance.now();
    // Headers as a flat list: Node writes them as they are, without building a header map.
    response.writeHead(401, ['www-authenticate', this.options.digest.challenge(false), 'content-type', ERROR_CONTENT_TYPE, 'content-length', LENGTH]);
    response.end(BODY);
    this.answered++;
    const { method, url, headers } = request;
    this.options.journal.record({ method: method!, url: url!, headers, principal: null, authFailure: 'missing_credentials' }, 401, performance.now() - started, null);
    return true;
  }
}
