import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerNotFound } from '../http/error-handler.js';
import { REALM } from './digest.js';
import { hasRepeatedAuthorization, parseBasic } from './authorization-header.js';
import { logAuthFailure } from './failure.js';
import type { BearerTokens } from './bearer-tokens.js';
import type { Credentials } from './credentials.js';

// The service-account token endpoints (docs/authentication.md): POST /api/oauth/token (RFC 6749
// section 4.4, client credentials) and POST /api/oauth/revoke (RFC 7009). The client
// authenticates with HTTP Basic, as Atlas's SDK does (AuthStyleInHeader). Their errors are
// OAuth 2.0's (RFC 6749 section 5.2), not Atlas's API errors.

export interface OAuthRoutesOptions {
  credentials: Credentials;
  tokens: BearerTokens;
}

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'server_error';

class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }

  get status(): number {
    return this.code === 'invalid_client' ? 401 : this.code === 'server_error' ? 500 : 400;
  }
}

const FORM = 'application/x-www-form-urlencoded';
const MAX_BODY = 4096;

/** RFC 6749 section 5.1: token responses and their errors are never cached. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  // Its description says why in words; the journal keeps it.
  reply.request.refusal = error.description;
  // Section 5.2: a failed client authentication is a 401 with the scheme the client should use.
  if (error.code === 'invalid_client') reply.header('www-authenticate', `Basic realm="${REALM}", charset="UTF-8"`);
  return noStore(reply)
    .code(error.status)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ error: error.code, error_description: error.description }));
}

/** The form parameters; each at most once (RFC 6749 section 3.2). */
function formOf(request: FastifyRequest): URLSearchParams {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM || typeof request.body !== 'string') {
    throw new OAuthError('invalid_request', `The request body must be ${FORM}.`);
  }
  const form = new URLSearchParams(request.body);
  const names = [...form.keys()];
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new OAuthError('invalid_request', `The parameter ${repeated} is repeated.`);
  return form;
}

function clientOf(request: FastifyRequest, credentials: Credentials): string {
  if (hasRepeatedAuthorization(request.raw.rawHeaders)) {
    logAuthFailure(request, 'duplicate_authorization');
    throw new OAuthError('invalid_request', 'The request has more than one Authorization header.');
  }
  const basic = parseBasic(request.headers.authorization);
  if (!basic) {
    logAuthFailure(request, request.headers.authorization === undefined ? 'missing_credentials' : 'malformed_header');
    throw new OAuthError('invalid_client', 'Client authentication with HTTP Basic is required.');
  }
  if (!credentials.authenticateAccount(basic.id, basic.secret)) {
    logAuthFailure(request, credentials.accountPrincipal(basic.id) ? 'bad_client_secret' : 'unknown_client', { clientId: basic.id });
    throw new OAuthError('invalid_client', 'Client authentication failed.');
  }
  return basic.id;
}

export async function oauthRoutes(app: FastifyInstance, options: OAuthRoutesOptions): Promise<void> {
  const { credentials, tokens } = options;

  // Only these routes take a body: read any content type as text and check it in the handler,
  // so a wrong one gets OAuth's invalid_request rather than a generic 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return sendOAuthError(reply, new OAuthError('invalid_request', 'The request is not valid.'));
    }
    request.log.error({ reqId: request.id, err: error }, 'unexpected error');
    return sendOAuthError(reply, new OAuthError('server_error', 'Unexpected error.'));
  });

  app.setNotFoundHandler(answerNotFound);

  app.post('/token', (request, reply) => {
    const form = formOf(request);
    const clientId = clientOf(request, credentials);
    const grantType = form.get('grant_type');
    if (grantType === null) throw new OAuthError('invalid_request', 'The parameter grant_type is required.');
    if (grantType !== 'client_credentials')
      throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    // An access list is enforced when the token is used, not when it is minted (docs/authentication.md).
    const { token, expiresIn } = tokens.mint(clientId);
    noStore(reply)
      .header('content-type', 'application/json')
      .send(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }));
  });

  app.post('/revoke', (request, reply) => {
    const form = formOf(request);
    const clientId = clientOf(request, credentials);
    const token = form.get('token');
    if (token === null || token === '') throw new OAuthError('invalid_request', 'The parameter token is required.');
    if (tokens.revoke(token, clientId) === 'foreign') {
      throw new OAuthError('invalid_request', 'The token was not issued to this client.');
    }
    // RFC 7009 section 2.2: revoking an unknown or already invalid token is no error.
    reply.code(200).send();
  });
}
