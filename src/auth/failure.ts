import type { FastifyRequest } from 'fastify';
import type { AuthFailureReason } from '../model/authentication.js';

/**
 * Records and logs a refusal with its machine-readable reason. Only public identifiers go in
 * `fields` (public key, client id, project, address): never a secret, hash or token.
 */
export function logAuthFailure(request: FastifyRequest, reason: AuthFailureReason, fields: Record<string, string | undefined> = {}): void {
  request.authFailure = reason;
  // A bare challenge request is the normal first half of a Digest handshake, not news.
  // The request id is named here: requests get no child logger of their own (app.ts).
  if (reason !== 'missing_credentials')
    request.log.info({ reqId: request.id, authFailure: reason, ...fields }, 'request refused by authentication');
}
