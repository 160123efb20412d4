import type { AuthFailureReason, Principal } from '../model/authentication.js';
import type { BearerTokens } from './bearer-tokens.js';
import type { Credentials } from './credentials.js';

export type BearerResult = { ok: true; principal: Principal } | { ok: false; reason: AuthFailureReason; clientId?: string };

// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_TOKEN_LENGTH = 1024;

/** Whether a request offers bearer credentials (the bearer strategy claims it, Digest does not). */
export function isBearer(authorization: string | undefined): boolean {
  return authorization !== undefined && /^Bearer(?: |$)/i.test(authorization);
}

/** Checks `Authorization: Bearer <token>` against the live tokens of the service accounts. */
export class BearerVerifier {
  constructor(
    private readonly credentials: Credentials,
    private readonly tokens: BearerTokens,
  ) {}

  verify(authorization: string): BearerResult {
    const match = authorization.length <= MAX_TOKEN_LENGTH ? BEARER.exec(authorization) : null;
    if (!match) return { ok: false, reason: 'malformed_header' };
    const token = this.tokens.check(match[1]!);
    if (token.status !== 'valid') return { ok: false, reason: token.status === 'unknown' ? 'unknown_token' : `token_${token.status}` };
    // Access is the account's as it is now: a fixture load that removes the account ends its tokens.
    const principal = this.credentials.accountPrincipal(token.clientId);
    return principal ? { ok: true, principal } : { ok: false, reason: 'unknown_token', clientId: token.clientId };
  }
}
