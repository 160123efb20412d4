import { hash as oneShotHash } from 'node:crypto';

// HTTP Digest access authentication, RFC 7616, as a pure module (no Fastify).

export const REALM = 'MMS Public API';
export const MAX_AUTHORIZATION_LENGTH = 4096;

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
const ALGORITHMS = new Map<string, DigestAlgorithm>([
  ['md5', 'MD5'],
  ['md5-sess', 'MD5-sess'],
  ['sha-256', 'SHA-256'],
  ['sha-256-sess', 'SHA-256-sess'],
]);

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

// auth-param = token BWS "=" BWS ( token / quoted-string ), RFC 7235 section 2.1, read by a
// scanner into one object: it runs on every signed request.
const TOKEN = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+.^_`|~-") TOKEN[c.charCodeAt(0)] = 1;
/** What an unquoted value may hold besides a token's characters (a `uri` sent unquoted). */
const VALUE = TOKEN.slice();
VALUE['/'.charCodeAt(0)] = VALUE[':'.charCodeAt(0)] = 1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SCHEME = /^Digest[ \t]+/i;

/** The auth-params a Digest response is made of; any other is read, checked and left out. */
interface Params {
  username: string | undefined;
  realm: string | undefined;
  nonce: string | undefined;
  uri: string | undefined;
  response: string | undefined;
  algorithm: string | undefined;
  qop: string | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
}

/** The index of the first character at or after `i` that is no space or tab. */
function blanks(header: string, i: number): number {
  while (i < header.length && (header.charCodeAt(i) === 0x20 || header.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** Whether a character may appear in a quoted value: printable ASCII or a tab (RFC 7616 section 4 allows UTF-8 only through `username*`, not supported). */
const printable = (c: number) => (c >= 0x20 && c <= 0x7e) || c === 0x09;

/** The parameter `name` (lowercased) is one of a Digest response's. */
function isParam(name: string): name is keyof Params {
  switch (name) {
    case 'username':
    case 'realm':
    case 'nonce':
    case 'uri':
    case 'response':
    case 'algorithm':
    case 'qop':
    case 'nc':
    case 'cnonce':
      return true;
    default:
      return false;
  }
}

/** The auth-params of `header` from `from` on (names are case-insensitive); undefined when malformed, not ASCII, or a name repeats. */
function parseParams(header: string, from: number): Params | undefined {
  const params: Params = {
    username: undefined,
    realm: undefined,
    nonce: undefined,
    uri: undefined,
    response: undefined,
    algorithm: undefined,
    qop: undefined,
    nc: undefined,
    cnonce: undefined,
  };
  let others: Set<string> | undefined;
  const n = header.length;
  let i = from;
  while (i < n) {
    const nameStart = (i = blanks(header, i));
    while (i < n && TOKEN[header.charCodeAt(i)] === 1) i++;
    if (i === nameStart) return undefined;
    const name = header.slice(nameStart, i).toLowerCase();
    i = blanks(header, i);
    if (header.charCodeAt(i) !== 0x3d) return undefined;
    i = blanks(header, i + 1);
    let value: string;
    if (header.charCodeAt(i) === QUOTE) {
      const start = ++i;
      let escaped = false;
      while (i < n && header.charCodeAt(i) !== QUOTE) {
        if (header.charCodeAt(i) === BACKSLASH) {
          escaped = true;
          i++;
        }
        if (!printable(header.charCodeAt(i))) return undefined;
        i++;
      }
      if (i >= n) return undefined;
      value = header.slice(start, i++);
      if (escaped) value = value.replace(/\\(.)/g, '$1');
    } else {
      const start = i;
      while (i < n && VALUE[header.charCodeAt(i)] === 1) i++;
      if (i === start) return undefined;
      value = header.slice(start, i);
    }
    if (isParam(name)) {
      if (params[name] !== undefined) return undefined;
      params[name] = value;
    } else {
      others ??= new Set();
      if (others.has(name)) return undefined;
      others.add(name);
    }
    i = blanks(header, i);
    if (i === n) break;
    if (header.charCodeAt(i++) !== 0x2c) return undefined;
  }
  return params;
}

/** Parses a `Digest ...` Authorization header; undefined when it is not well formed. */
export function parseDigest(header: string): DigestCredentials | undefined {
  if (header.length > MAX_AUTHORIZATION_LENGTH || !SCHEME.test(header)) return undefined;
  const params = parseParams(header, 'Digest'.length);
  if (!params) return undefined;
  const { username, realm, nonce, uri, response } = params;
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return undefined;
  }
  const algorithm = ALGORITHMS.get((params.algorithm ?? 'MD5').toLowerCase());
  if (!algorithm) return undefined;
  return { username, realm, nonce, uri, response, algorithm, qop: params.qop, nc: params.nc, cnonce: params.cnonce };
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
