import type { FastifyRequest } from 'fastify';

/** Why a request was refused: logged (and journaled), never sent to the client. */
export type AuthFailureReason =
  | 'missing_credentials'
  | 'malformed_header'
  | 'duplicate_authorization'
  | 'realm_mismatch'
  | 'uri_mismatch'
  | 'bad_qop'
  | 'forged_nonce'
  | 'unknown_key'
  | 'bad_response'
  | 'stale_nonce'
  | 'nc_replay'
  | 'unknown_client'
  | 'bad_client_secret'
  | 'unknown_token'
  | 'token_expired'
  | 'token_revoked'
  | 'no_project_access'
  | 'ip_not_allowed';

/**
 * Records and logs a refusal with its machine-readable reason. Only public identifiers go in
 * `fields` (public key, client id, project, address): never a secret, hash or token.
 */
export function logAuthFailure(request: FastifyRequest, reason: AuthFailureReason, fields: Record<string, string | undefined> = {}): void {
  request.authFailure = reason;
  // A bare challenge request is the normal first half of a Digest handshake, not news.
  if (reason !== 'missing_credentials') request.log.info({ authFailure: reason, ...fields }, 'request refused by authentication');
}
