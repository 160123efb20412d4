import fastifyAuth from '@fastify/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors, UnauthorizedError, type AtlasError } from '../atlas/errors.js';
import { hasRepeatedAuthorization } from './authorization-header.js';
import { isBearer, type BearerVerifier } from './bearer-verifier.js';
import { REALM } from './digest.js';
import type { DigestVerifier } from './digest-verifier.js';
import { logAuthFailure, type AuthFailureReason } from './failure.js';
import type { Principal } from './principal.js';
import { limitRate, type RateLimiter } from './rate-limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authFailure: AuthFailureReason | null;
  }
}

export interface AuthPluginOptions {
  digest: DigestVerifier;
  bearer: BearerVerifier;
  rateLimiter: RateLimiter | undefined;
}

/** Routes outside Atlas auth: the emulator's control plane and the OAuth token endpoints. */
export function isPublicPath(url: string): boolean {
  return url.startsWith('/_emulator/') || url === '/_emulator' || url.startsWith('/api/oauth/');
}

// RFC 6750 section 3: the challenge for a bearer token that is unknown, expired or revoked.
const BEARER_CHALLENGE = `Bearer realm="${REALM}", error="invalid_token"`;
// What a strategy answers for a request offering the other strategy's scheme. Each request
// is claimed by exactly one strategy, which sets its challenge header; both errors render
// as the same Atlas 401, so @fastify/auth may report either.
const NOT_MINE = new UnauthorizedError();

/**
 * Authentication as Atlas does it: in onRequest, before routing and validation, so even an
 * unknown path or project is answered with the challenge first. Bearer tokens (service
 * accounts) and Digest (API keys) compose through @fastify/auth; Digest claims every request
 * that offers no bearer token, so a bare request gets Atlas's Digest challenge. Then the
 * credential's access list and the project's rate limit.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { digest, bearer, rateLimiter } = options;
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  await app.register(fastifyAuth);

  function digestChallenge(request: FastifyRequest, reply: FastifyReply, reason: AuthFailureReason, publicKey?: string, stale = false): Error {
    logAuthFailure(request, reason, { publicKey });
    reply.header('www-authenticate', digest.challenge(stale));
    return new UnauthorizedError(stale);
  }

  function verifyDigest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const { authorization } = request.headers;
    if (isBearer(authorization)) return done(NOT_MINE);
    const result = digest.verify(request.method, request.url, authorization);
    if (!result.ok) return done(digestChallenge(request, reply, result.reason, result.username, result.stale));
    request.principal = result.principal;
    done();
  }

  function verifyBearer(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const { authorization } = request.headers;
    if (!isBearer(authorization)) return done(NOT_MINE);
    const result = bearer.verify(authorization!);
    if (!result.ok) {
      logAuthFailure(request, result.reason, { clientId: result.clientId });
      reply.header('www-authenticate', BEARER_CHALLENGE);
      return done(new UnauthorizedError());
    }
    request.principal = result.principal;
    done();
  }

  /** After authentication: where the request comes from, then how often its project is asked. */
  function admit(request: FastifyRequest, reply: FastifyReply): AtlasError | undefined {
    const principal = request.principal!;
    if (principal.accessList && !principal.accessList.allows(request.ip)) {
      logAuthFailure(request, 'ip_not_allowed', { [principal.kind]: principal.id, ip: request.ip });
      return errors.ipNotOnAccessList(request.ip);
    }
    return rateLimiter && limitRate(rateLimiter, request, reply);
  }

  // Digest first: it is the common case, and a success ends the chain there.
  const authenticate = app.auth([verifyDigest, verifyBearer]);
  app.addHook('onRequest', (request, reply, done) => {
    if (isPublicPath(request.url)) return done();
    if (hasRepeatedAuthorization(request.raw.rawHeaders)) return done(digestChallenge(request, reply, 'duplicate_authorization'));
    authenticate.call(app, request, reply, (error?: Error) => done(error ?? admit(request, reply)));
  });
}

export default fp(authPlugin, { name: 'atlas-auth', fastify: '5.x' });
