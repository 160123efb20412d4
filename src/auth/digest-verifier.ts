import { safeEqual } from '../lib/hashing.js';
import { challengeHeader, expectedResponse, parseDigest, REALM, type DigestCredentials } from './digest.js';
import type { AuthFailureReason, Principal } from '../model/authentication.js';
import type { Credentials } from './credentials.js';
import type { NonceService, NonceUsage } from './nonce.js';

/** `signedUri`: the uri the Digest header signed, when it is not the request-target. */
export type DigestResult =
  | { ok: true; principal: Principal; signedUri: string | undefined }
  | { ok: false; reason: AuthFailureReason; stale: boolean; username?: string; signedUri?: string | undefined };

const NC = /^[0-9a-fA-F]{8}$/;
// The two refusals that carry no user name, made once: a bare request is every other request of the Go clients.
const MISSING: DigestResult = Object.freeze({ ok: false, reason: 'missing_credentials', stale: false });
const MALFORMED: DigestResult = Object.freeze({ ok: false, reason: 'malformed_header', stale: false });

/**
 * Checks Digest credentials against the API keys, the nonce signature and nonce-count reuse.
 * The answer is checked against the uri the client signed. Atlas accepts a uri other than the
 * request-target (clients in production sign the path without its query, or a relative URL:
 * docs/fidelity.md); `strictUri` refuses it, as RFC 7616 section 3.4.6 says a server should.
 */
export class DigestVerifier {
  constructor(
    private readonly keys: Credentials,
    private readonly nonces: NonceService,
    private readonly usage: NonceUsage,
    private readonly strictUri: boolean,
  ) {}

  challenge(stale: boolean): string {
    return challengeHeader(this.nonces.issue(), stale);
  }

  verify(method: string, requestUri: string, authorization: string | undefined): DigestResult {
    if (!authorization) return MISSING;
    const credentials = parseDigest(authorization);
    if (!credentials) return MALFORMED;
    const signedUri = credentials.uri === requestUri ? undefined : credentials.uri;
    const checked = this.check(credentials, method, signedUri);
    if (typeof checked === 'string')
      return { ok: false, reason: checked, stale: checked === 'stale_nonce', username: credentials.username, signedUri };
    return { ok: true, principal: checked, signedUri };
  }

  /** Who well-formed credentials authenticate (their nonce count is then used), or why they are refused. */
  private check(credentials: DigestCredentials, method: string, signedUri: string | undefined): Principal | AuthFailureReason {
    if (credentials.realm !== REALM) return 'realm_mismatch';
    if (this.strictUri && signedUri !== undefined) return 'uri_mismatch';
    if (credentials.qop !== 'auth' || !credentials.cnonce || !credentials.nc || !NC.test(credentials.nc)) return 'bad_qop';
    // A nonce already in use needs no second signature check (most signed requests reuse one).
    const known = this.usage.issuedAt(credentials.nonce);
    const nonce = known === undefined ? this.nonces.check(credentials.nonce) : this.nonces.freshness(known);
    if (nonce.status === 'forged') return 'forged_nonce';
    const key = this.keys.apiKey(credentials.username);
    if (key === undefined) return 'unknown_key';
    if (!safeEqual(expectedResponse(credentials, method, key.ha1(credentials.algorithm)), credentials.response.toLowerCase()))
      return 'bad_response';
    // Only a correct response learns that its nonce is stale (RFC 7616 section 3.3, stale).
    if (nonce.status === 'stale') return 'stale_nonce';
    const use = this.usage.use(credentials.nonce, nonce.issuedAt, parseInt(credentials.nc, 16));
    if (use === 'replay') return 'nc_replay';
    if (use === 'stale') return 'stale_nonce';
    return key.principal;
  }
}
