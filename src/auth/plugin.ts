import fastifyAuth from '@fastify/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AuthFailureReason, Principal } from '../model/authentication.js';
import { errors, UnauthorizedError, type AtlasError } from '../model/errors.js';
import { hasRepeatedAuthorization } from './authorization-header.js';
import { isBearer, type BearerVerifier } from './bearer-verifier.js';
import { REALM } from './digest.js';
import type { DigestVerifier } from './digest-verifier.js';
import { logAuthFailure } from './failure.js';
import { limitRate, type RateLimiter } from './rate-limit.js';

// Authentication and admission as Atlas does them. The Atlas pipeline (atlas/pipeline.ts)
// decides where they run; this module says what they do.

declare module 'fastify' {
  interface FastifyRequest {
    /** Who authenticated (set by authentication), else null. */
    principal: Principal | null;
    /** Why authentication, admission, project access or the OAuth endpoints refused the request, else null. */
    authFailure: AuthFailureReason | null;
    /** The uri a Digest header signed, when it is not the request-target, else null. */
    signedUri: string | null;
  }
}

/** Declares the outcome of authentication on the requests of `app`'s context. */
export function decorateAuthOutcome(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  app.decorateRequest('signedUri', null);
}

// RFC 6750 section 3: the challenge for a bearer token that is unknown, expired or revoked.
const BEARER_CHALLENGE = `Bearer realm="${REALM}", error="invalid_token"`;

type Done = (error?: Error) => void;

/**
 * The onRequest hook of authentication, for the context it is added to: two @fastify/auth
 * strategies, each judging the requests that offer its scheme and passing the others. Bearer
 * (service-account tokens) judges a request with a bearer token; Digest (API keys) judges
 * every other one, so a request without credentials gets Digest's challenge. Both must pass
 * (relation 'and'), so exactly one strategy judges a request, and its failure, a refusal or an
 * unexpected error, is the one reported. Digest runs first: a request without credentials
 * stops at it.
 */
export async function authentication(app: FastifyInstance, digest: DigestVerifier, bearer: BearerVerifier): Promise<onRequestHookHandler> {
  await app.register(fastifyAuth);

  function verifyDigest(request: FastifyRequest, reply: FastifyReply, done: Done): void {
    const authorization = request.headers.authorization;
    if (hasRepeatedAuthorization(request.raw.rawHeaders)) {
      logAuthFailure(request, 'duplicate_authorization');
      reply.header('www-authenticate', digest.challenge(false));
      return done(new UnauthorizedError());
    }
    if (isBearer(authorization)) return done();
    const result = digest.verify(request.method, request.url, authorization);
    if (result.signedUri !== undefined) request.signedUri = result.signedUri;
    if (result.ok) {
      request.principal = result.principal;
      return done();
    }
    logAuthFailure(request, result.reason, { publicKey: result.username });
    reply.header('www-authenticate', digest.challenge(result.stale));
    done(new UnauthorizedError());
  }

  function verifyBearer(request: FastifyRequest, reply: FastifyReply, done: Done): void {
    const authorization = request.headers.authorization;
    if (!isBearer(authorization)) return done();
    const result = bearer.verify(authorization!);
    if (!result.ok) {
      logAuthFailure(request, result.reason, { clientId: result.clientId });
      reply.header('www-authenticate', BEARER_CHALLENGE);
      return done(new UnauthorizedError());
    }
    request.principal = result.principal;
    done();
  }

  return app.auth([verifyDigest, verifyBearer], { relation: 'and' });
}

/**
 * Admission, after authentication: where the request comes from (the credential's access
 * list, against request.ip), then how often its project is asked (the rate limit, when one is
 * set). The refusal to answer, if any. Project access is asked by each operation, at its place
 * in Atlas's order of checks (auth/principal.ts).
 */
export function admission(rateLimiter: RateLimiter | undefined): (request: FastifyRequest, reply: FastifyReply) => AtlasError | undefined {
  return (request, reply) => {
    // Authentication passed: the strategy that judged the request set its principal.
    const principal = request.principal!;
    if (principal.accessList && !principal.accessList.allows(request.ip)) {
      logAuthFailure(request, 'ip_not_allowed', { [principal.kind]: principal.id, ip: request.ip });
      return errors.ipNotOnAccessList(request.ip);
    }
    return rateLimiter && limitRate(rateLimiter, request, reply);
  };
}
