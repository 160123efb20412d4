import fastifyAuth from '@fastify/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { errors, UnauthorizedError } from '../model/errors.js';
import { hasRepeatedAuthorization } from './authorization-header.js';
import { isBearer, type BearerVerifier } from './bearer-verifier.js';
import { REALM } from './digest.js';
import type { DigestVerifier } from './digest-verifier.js';
import { logAuthFailure, type AuthFailureReason } from './failure.js';
import { limitRate, type RateLimiter } from './rate-limit.js';

export interface AtlasAuthOptions {
  digest: DigestVerifier;
  bearer: BearerVerifier;
  rateLimiter: RateLimiter | undefined;
}

// RFC 6750 section 3: the challenge for a bearer token that is unknown, expired or revoked.
const BEARER_CHALLENGE = `Bearer realm="${REALM}", error="invalid_token"`;
/** A strategy's answer to a request offering the other strategy's scheme: it simply fails. */
const FOREIGN_SCHEME = new UnauthorizedError();

/** The request's Authorization header, or 'repeated' when it has several (Node keeps only the first). */
function authorizationOf(request: FastifyRequest): string | undefined | 'repeated' {
  return hasRepeatedAuthorization(request.raw.rawHeaders) ? 'repeated' : request.headers.authorization;
}

/**
 * Authentication as Atlas does it, for the context it is registered in (the Atlas API: every
 * route there, and its not-found handler, so that even an unknown path gets the challenge
 * first). Two @fastify/auth strategies, either may pass: Digest (API keys) and Bearer
 * (service-account tokens). Each fails at once for the other's scheme; Digest claims every
 * request that offers no bearer token, so the combined failure of a bare request carries
 * Atlas's Digest challenge. Then the credential's access list and the project's rate limit.
 */
export async function atlasAuthentication(app: FastifyInstance, { digest, bearer, rateLimiter }: AtlasAuthOptions): Promise<void> {
  await app.register(fastifyAuth);
  // @fastify/auth reports the last strategy's failure. A failure of the bearer strategy that
  // is no refusal (the store failing, say) is kept here, so that Digest passes it on as a 500.
  const unexpected = new WeakMap<FastifyRequest, unknown>();

  function verifyDigest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const authorization = authorizationOf(request);
    const fail = (reason: AuthFailureReason, publicKey?: string, stale = false) => {
      logAuthFailure(request, reason, { publicKey });
      reply.header('www-authenticate', digest.challenge(stale));
      done(new UnauthorizedError(stale));
    };
    if (authorization === 'repeated') return fail('duplicate_authorization');
    if (isBearer(authorization)) return done((unexpected.get(request) as Error | undefined) ?? FOREIGN_SCHEME);
    const result = digest.verify(request.method, request.url, authorization);
    if (!result.ok) return fail(result.reason, result.username, result.stale);
    request.principal = result.principal;
    done();
  }

  function verifyBearer(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const authorization = request.headers.authorization;
    if (!isBearer(authorization) || authorizationOf(request) === 'repeated') return done(FOREIGN_SCHEME);
    let result;
    try {
      result = bearer.verify(authorization!);
    } catch (err) {
      unexpected.set(request, err);
      return done(err as Error);
    }
    if (!result.ok) {
      logAuthFailure(request, result.reason, { clientId: result.clientId });
      reply.header('www-authenticate', BEARER_CHALLENGE);
      return done(new UnauthorizedError());
    }
    request.principal = result.principal;
    done();
  }

  /** After authentication: where the request comes from, then how often its project is asked. */
  function admit(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const principal = request.principal!;
    if (principal.accessList && !principal.accessList.allows(request.ip)) {
      logAuthFailure(request, 'ip_not_allowed', { [principal.kind]: principal.id, ip: request.ip });
      return done(errors.ipNotOnAccessList(request.ip));
    }
    done(rateLimiter && limitRate(rateLimiter, request, reply));
  }

  // Digest last: its failure is the one reported, and for a request without credentials that
  // failure carries Atlas's challenge.
  app.addHook('onRequest', app.auth([verifyBearer, verifyDigest]));
  app.addHook('onRequest', admit);
}
