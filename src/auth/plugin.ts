import fastifyAuth from '@fastify/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { UnauthorizedError } from '../atlas/errors.js';
import type { AuthFailureReason, DigestVerifier } from './digest-verifier.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authFailure: AuthFailureReason | null;
  }
}

export interface AuthPluginOptions {
  digest: DigestVerifier;
}

/** Routes outside Atlas auth: the emulator's control plane and the OAuth token endpoints. */
export function isPublicPath(url: string): boolean {
  return url.startsWith('/_emulator/') || url === '/_emulator' || url.startsWith('/api/oauth/');
}

/**
 * Authentication as Atlas does it: in onRequest, before routing and validation, so even an
 * unknown path or project is answered with the challenge first. Strategies compose through
 * @fastify/auth; each one that fails sets the challenge header before its error.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { digest } = options;
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  await app.register(fastifyAuth);

  function verifyDigest(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const result = digest.verify(request.method, request.url, request.headers.authorization);
    if (result.ok) {
      request.principal = result.principal;
      return done();
    }
    request.authFailure = result.reason;
    if (result.reason !== 'missing_credentials') {
      request.log.info({ authFailure: result.reason, publicKey: result.username }, 'digest authentication failed');
    }
    reply.header('www-authenticate', digest.challenge(result.stale));
    done(new UnauthorizedError(result.stale));
  }

  const authenticate = app.auth([verifyDigest]);
  app.addHook('onRequest', (request, reply, done) => {
    if (isPublicPath(request.url)) return done();
    authenticate.call(app, request, reply, done);
  });
}

export default fp(authPlugin, { name: 'atlas-auth', fastify: '5.x' });
