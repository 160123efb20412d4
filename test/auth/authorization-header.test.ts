import { connect } from 'node:net';
import t from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import { CLUSTER0, digestHeader, parseChallenge } from '../helpers/test-app.js';
import { basic, buildLoggedApp, CLIENT_ID, CLIENT_SECRET, listen } from '../helpers/auth.js';

// Authorization headers a client library would never send, written byte by byte on a real
// socket (inject cannot repeat a header or send raw bytes): repeated, non-ASCII, oversized.
// Each gets 400 or 401 in the expected shape, never a 5xx.

const PATH = `${CLUSTER0}?itemsPerPage=1`;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function rawRequest(base: string, head: Buffer | string, body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [top, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = top!.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.end(Buffer.concat([typeof head === 'string' ? Buffer.from(head, 'latin1') : head, Buffer.from(body)]));
  });
}

function get(authorizationLines: (string | Buffer)[], path = PATH): Buffer {
  const lines = authorizationLines.map((line) => Buffer.concat([Buffer.from('Authorization: '), Buffer.from(line), Buffer.from('\r\n')]));
  return Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n`), ...lines, Buffer.from('\r\n')]);
}

async function validDigest(base: string): Promise<string> {
  const challenge = await fetch(base + PATH);
  return digestHeader({ method: 'GET', uri: PATH, nonce: parseChallenge(challenge.headers.get('www-authenticate')!).nonce! });
}

t.test('two Authorization headers get the challenge, whichever comes first', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const valid = await validDigest(base);
  for (const pair of [
    [valid, 'Digest username="other"'],
    ['Bearer abc', valid],
    [valid, valid],
  ]) {
    const res = await rawRequest(base, get(pair));
    t.equal(res.status, 401);
    t.match(
      res.headers['www-authenticate'],
      /^Digest realm="MMS Public API", domain="", nonce="[^"]{32}", algorithm=MD5, qop="auth", stale=false$/,
    );
    t.equal(res.body, UnauthorizedError.BODY);
  }
  t.same(reasons(), ['duplicate_authorization', 'duplicate_authorization', 'duplicate_authorization']);
  t.equal((await rawRequest(base, get([valid]))).status, 200, 'the same credentials once pass');
});

t.test('two Authorization headers on the token endpoint get invalid_request', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const good = basic(CLIENT_ID, CLIENT_SECRET);
  const form = 'grant_type=client_credentials';
  const head = `POST /api/oauth/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: ${good}\r\nAuthorization: ${good}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`;
  const res = await rawRequest(base, head, form);
  t.equal(res.status, 400);
  t.same(JSON.parse(res.body), { error: 'invalid_request', error_description: 'The request has more than one Authorization header.' });
  t.same(reasons(), ['duplicate_authorization']);
});

t.test('non-ASCII bytes in Authorization get the challenge', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const valid = await validDigest(base);
  const cases = [
    Buffer.from(valid.replace('username="emulator"', 'username="émulator"'), 'utf8'),
    Buffer.from(valid.replace('username="emulator"', 'username="\xe9mulator"'), 'latin1'),
    Buffer.from('Bearer t\xf6ken', 'latin1'),
  ];
  for (const line of cases) {
    const res = await rawRequest(base, get([line]));
    t.equal(res.status, 401);
    t.equal(res.body, UnauthorizedError.BODY);
  }
  t.same(reasons(), ['malformed_header', 'malformed_header', 'malformed_header']);
});

t.test('oversized Authorization: refused under the header limit with the challenge, above it by the parser with 431', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const valid = await validDigest(base);
  const big = await rawRequest(base, get([`${valid}, pad="${'x'.repeat(8000)}"`]));
  t.equal(big.status, 401);
  t.equal(big.body, UnauthorizedError.BODY);
  t.same(reasons(), ['malformed_header']);
  const huge = await rawRequest(base, get([`Digest username="${'x'.repeat(20_000)}"`]));
  t.equal(huge.status, 431);
  t.equal(huge.headers['x-error-code'], 'INVALID_REQUEST');
  t.equal(
    huge.body,
    '{"detail":"The request is not valid.","error":431,"errorCode":"INVALID_REQUEST","parameters":[],"reason":"Request Header Fields Too Large"}',
  );
});

t.test('an algorithm named like an Object property (constructor, toString) gets the challenge, not a 500', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const valid = await validDigest(base);
  for (const algorithm of ['constructor', 'toString', '__proto__']) {
    const res = await rawRequest(base, get([valid.replace('algorithm=MD5', `algorithm=${algorithm}`)]));
    t.equal(res.status, 401, algorithm);
    t.match(res.headers['www-authenticate'], /^Digest realm="MMS Public API", /);
    t.equal(res.body, UnauthorizedError.BODY);
  }
  t.same(reasons(), ['malformed_header', 'malformed_header', 'malformed_header']);
});
