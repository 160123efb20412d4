import { hash as oneShotHash, timingSafeEqual } from 'node:crypto';

// HTTP Digest access authentication, RFC 7616, as a pure module (no Fastify).

export const REALM = 'MMS Public API';
export const MAX_AUTHORIZATION_LENGTH = 4096;

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const ALGORITHMS: Record<string, DigestAlgorithm> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop: string | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
}

/** Atlas's challenge, parameters in Atlas's order (RFC 7616 section 3.3). */
export function challengeHeader(nonce: string, stale: boolean): string {
  return `Digest realm="${REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
}

// auth-param = token BWS "=" BWS ( token / quoted-string ), RFC 7235 section 2.1.
const PARAM = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9!#$%&'*+.^_`|~/:-]+))\s*(,|$)/y;

/** Parses a `Digest ...` Authorization header; undefined when it is not well formed. */
export function parseDigest(header: string): DigestCredentials | undefined {
  const scheme = /^Digest\s+/i.exec(header);
  // Credentials are ASCII (RFC 7616 section 4 allows UTF-8 only through `username*`, not supported).
  if (!scheme || header.length > MAX_AUTHORIZATION_LENGTH || !/^[\x20-\x7e\t]*$/.test(header)) return undefined;
  const params = new Map<string, string>();
  PARAM.lastIndex = scheme[0].length;
  while (PARAM.lastIndex < header.length) {
    const match = PARAM.exec(header);
    if (!match) return undefined;
    const name = match[1]!.toLowerCase();
    if (params.has(name)) return undefined;
    params.set(name, match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!);
    if (match[4] === '') break;
  }
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return undefined;
  }
  const algorithm = ALGORITHMS[(params.get('algorithm') ?? 'MD5').toLowerCase()];
  if (!algorithm) return undefined;
  return { username, realm, nonce, uri, response, algorithm, qop: params.get('qop'), nc: params.get('nc'), cnonce: params.get('cnonce') };
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  // One-shot crypto.hash: no Hash object per digest (three per request).
  return oneShotHash(algorithm.startsWith('MD5') ? 'md5' : 'sha256', text, 'hex');
}

/** H(username:realm:password), the secret-equivalent a server may keep instead of the password. */
export function ha1Base(algorithm: DigestAlgorithm, username: string, password: string): string {
  return hash(algorithm, `${username}:${REALM}:${password}`);
}

/** The request-digest (RFC 7616 section 3.4.1) for qop=auth, given H(username:realm:password). */
export function expectedResponse(credentials: DigestCredentials, method: string, base: string): string {
  const { algorithm, nonce, cnonce = '', nc = '', qop = '' } = credentials;
  const ha1 = algorithm.endsWith('-sess') ? hash(algorithm, `${base}:${nonce}:${cnonce}`) : base;
  const ha2 = hash(algorithm, `${method}:${credentials.uri}`);
  return hash(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
