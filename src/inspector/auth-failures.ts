import type { FastifyInstance } from 'fastify';
import type { AuthFailureReason } from '../model/authentication.js';
import { controlSchema } from '../model/control-schemas.js';

interface Explanation {
  /** What happened, in plain words. */
  meaning: string;
  /** What the client should do about it. */
  advice: string;
}

// Every reason code authentication can journal (a Record over the union: a new code does not
// compile until it is explained here), for people reading the journal.
export const AUTH_FAILURES: Record<AuthFailureReason, Explanation> = {
  missing_credentials: {
    meaning:
      'The request carried no credentials, so the emulator answered 401 with a challenge: for the Atlas API, a Digest nonce to sign with.',
    advice:
      'Nothing, when the client follows with a signed request: this is the first half of every Digest handshake. ' +
      'If none follows, set the client up for HTTP Digest with the public and private key ' +
      '(or HTTP Basic with the client id and secret for /api/oauth/token).',
  },
  malformed_header: {
    meaning:
      'The Authorization header could not be read: it is no complete Digest header, well-formed bearer token ' +
      'or (for /api/oauth/token) HTTP Basic header.',
    advice: 'Let a client library write the header; look for a proxy that rewrites it.',
  },
  duplicate_authorization: {
    meaning: 'The request carried more than one Authorization header.',
    advice: 'Send exactly one Authorization header.',
  },
  realm_mismatch: {
    meaning: 'The Digest header names another realm than the challenge did (MMS Public API).',
    advice: 'Sign with the realm from the WWW-Authenticate challenge; do not hard-code one.',
  },
  uri_mismatch: {
    meaning:
      'The uri signed in the Digest header is not the path and query string the request was sent to, ' +
      'and strict Digest uri checking (ATLAS_EMU_STRICT_DIGEST_URI) refuses that. Atlas, and the emulator by default, accept it.',
    advice:
      'Sign exactly the request-target you send, query string included (look for a client or proxy that changes the URL after signing), ' +
      'or leave strict checking off to accept what Atlas accepts.',
  },
  bad_qop: {
    meaning: 'The Digest header lacks qop=auth, a cnonce or a nonce count (nc of 8 hexadecimal digits).',
    advice: 'Use qop=auth with a cnonce and an nc such as 00000001, as the challenge offers.',
  },
  forged_nonce: {
    meaning: 'The nonce was not issued by this emulator: it comes from another process, or from one started with another nonce secret.',
    advice: 'Answer a fresh challenge from this emulator; replicas or restarts that share nonces need the same ATLAS_EMU_NONCE_SECRET.',
  },
  unknown_key: {
    meaning: 'No API key has this public key.',
    advice: 'Check the public key (Overview lists the active ones), or load a fixture that declares it.',
  },
  bad_response: {
    meaning: 'The Digest response does not match: the private key (the password) is wrong for this public key.',
    advice: 'Check the private key the client uses for this public key.',
  },
  stale_nonce: {
    meaning: 'The nonce has expired (or its use can no longer be checked); the emulator answered with a new one and stale=true.',
    advice: 'Sign again with the new nonce from the challenge; Digest clients that honour stale=true do this by themselves.',
  },
  nc_replay: {
    meaning: 'This nonce count (nc) was already used with this nonce: the request looks replayed.',
    advice: 'Increase nc for every request signed with the same nonce, or answer a fresh challenge.',
  },
  unknown_client: {
    meaning: 'No service account has this client id.',
    advice: 'Check the client id (Overview lists the active ones), or load a fixture that declares it.',
  },
  bad_client_secret: {
    meaning: 'The client secret is wrong for this service account.',
    advice: 'Check the client secret the client sends to /api/oauth/token.',
  },
  unknown_token: {
    meaning: 'The bearer token was not issued by this emulator, or it was issued before a restart.',
    advice: 'Get a new access token from POST /api/oauth/token.',
  },
  token_expired: {
    meaning: 'The bearer token has expired.',
    advice: 'Get a new access token before the old one runs out (its lifetime is ATLAS_EMU_TOKEN_TTL_SECONDS).',
  },
  token_revoked: {
    meaning: 'The bearer token was revoked.',
    advice: 'Get a new access token from POST /api/oauth/token.',
  },
  no_project_access: {
    meaning: 'The credential is valid but is not a member of this project.',
    advice: 'Use a credential whose projects include this one, or add the project to the credential in the fixture.',
  },
  ip_not_allowed: {
    meaning: "The client's address is not on the credential's API access list.",
    advice: "Call from an allowed address, or add the client's address (named in the error's detail) to the credential's accessList.",
  },
};

const ExplanationSchema = {
  type: 'object',
  required: ['meaning', 'advice'],
  properties: { meaning: { type: 'string' }, advice: { type: 'string' } },
} as const;
const AuthFailuresSchema = {
  type: 'object',
  description: 'by reason code, as journal entries carry it in auth.reason',
  required: Object.keys(AUTH_FAILURES),
  properties: Object.fromEntries(Object.keys(AUTH_FAILURES).map((code) => [code, ExplanationSchema])),
};

/** GET /auth-failures: why authentication refuses a request, and what a client should do, for each reason code. */
export async function authFailureRoutes(app: FastifyInstance): Promise<void> {
  const summary = 'Each reason code of a refused request (journal auth.reason): what it means and what a client should do, in plain words.';
  app.get('/auth-failures', controlSchema({ summary, ok: { 200: AuthFailuresSchema } }), (_request, reply) => {
    reply.send(AUTH_FAILURES);
  });
}
