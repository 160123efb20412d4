import fc from 'fast-check';
import { propertyParameters } from '../helpers/property.js';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { buildTestApp, CLUSTER0, digestHeader, GROUP, parseChallenge } from '../helpers/test-app.js';
import { assertAtlasAnswer } from '../helpers/answer-invariants.js';
import { connect, exchange, readResponses, type WireResponse } from '../helpers/http-wire.js';

// The limits of README "Limits and reliability", over a real socket: each one is bounded and
// answered in Atlas's error shape (or, for a body on GET, ignored), never with Fastify's
// default body and never by crashing.

const app = buildTestApp(t);
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as AddressInfo;
const challenge = await fetch(`http://127.0.0.1:${port}${CLUSTER0}`);
const nonce = parseChallenge(challenge.headers.get('www-authenticate')!).nonce!;
let nc = 1;
const sign = (uri: string, method = 'GET') => digestHeader({ method, uri, nonce, nc: nc++ });
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: emulator\r\n${headers}\r\n`;

function assertError(t: Test, res: WireResponse | undefined, status: number, target = '/') {
  t.ok(res, 'an answer arrived');
  t.equal(res!.status, status);
  assertAtlasAnswer('GET', target, { statusCode: res!.status, headers: res!.headers, body: res!.body });
  t.same(JSON.parse(res!.body), {
    detail: 'The request is not valid.',
    error: status,
    errorCode: 'INVALID_REQUEST',
    parameters: [],
    reason: res!.reason,
  });
}

// Opened first, so that the tests below run while these wait out the 10 s headers timeout.
const idle = await Promise.all(Array.from({ length: 200 }, () => connect(port)));
const slow = await connect(port);
slow.write(`GET ${CLUSTER0} HTTP/1.1\r\nHost: emulator\r\nAccept: appl`);
const idleAnswers = Promise.all([slow, ...idle].map((socket) => readResponses(socket, 1)));
// And a body that stops arriving: the whole request is due within 30 s.
const stalled = await connect(port);
stalled.write(
  'POST /api/oauth/token HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=',
);
const stalledAnswer = readResponses(stalled, 1, 60_000);

t.test('the configured limits', async (t) => {
  t.equal(app.server.headersTimeout, 10_000);
  t.equal(app.server.requestTimeout, 30_000);
  t.equal(app.server.keepAliveTimeout, 72_000);
});

t.test('oversized headers are answered 431', async (t) => {
  const [res] = await exchange(port, get(CLUSTER0, `X-Padding: ${'a'.repeat(17_000)}\r\n`));
  assertError(t, res, 431);
  t.equal(res!.headers.connection, 'close');
});

t.test('an oversized URL is answered 431 (the header limit covers the request line)', async (t) => {
  const [res] = await exchange(port, get(`${CLUSTER0}?pad=${'a'.repeat(17_000)}`));
  assertError(t, res, 431);
});

t.test('headers just under the limit are served', async (t) => {
  const [res] = await exchange(port, get(CLUSTER0, `X-Padding: ${'a'.repeat(15_000)}\r\nConnection: close\r\n`));
  t.equal(res?.status, 401, 'the Digest challenge, as for any unsigned request');
});

t.test('malformed HTTP is answered 400', async (t) => {
  for (const request of [
    'HELLO\r\n\r\n',
    'GET\r\n\r\n',
    `GET ${CLUSTER0} HTTP/9.9\r\nHost: x\r\n\r\n`,
    `GET ${CLUSTER0} HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n`,
    `GET ${CLUSTER0} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n`,
    Buffer.concat([Buffer.from('GET /api/atlas/v1.0/gr'), Buffer.from([0xc3, 0xbc, 0x00]), Buffer.from('ps HTTP/1.1\r\nHost: x\r\n\r\n')]),
  ]) {
    const [res] = await exchange(port, request);
    assertError(t, res, 400);
  }
});

t.test('CONNECT is answered 405, not dropped', async (t) => {
  const [res] = await exchange(port, 'CONNECT emulator:443 HTTP/1.1\r\nHost: emulator:443\r\n\r\n');
  t.equal(res?.status, 405);
  t.equal(res?.headers.allow, 'GET, HEAD');
  assertAtlasAnswer('CONNECT', 'emulator:443', { statusCode: res!.status, headers: res!.headers, body: res!.body });
  t.equal(JSON.parse(res!.body).errorCode, 'METHOD_NOT_ALLOWED');
});

t.test('malformed URLs are answered 400, overlong path parameters 414', async (t) => {
  const badEscape = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster%E0%A4%A/backupCheckpoints`;
  const [bad] = await exchange(port, get(badEscape, `Authorization: ${sign(badEscape)}\r\nConnection: close\r\n`));
  assertError(t, bad, 400, badEscape);
  const long = `/api/atlas/v1.0/groups/${GROUP}/clusters/${'c'.repeat(1001)}/backupCheckpoints`;
  const [tooLong] = await exchange(port, get(long, `Authorization: ${sign(long)}\r\nConnection: close\r\n`));
  assertError(t, tooLong, 414, long);
});

t.test('a body on GET is ignored, even past the body limit, and the connection stays usable', async (t) => {
  const body = Buffer.alloc(2 * 1024 * 1024, 'x');
  const first = get(CLUSTER0, `Authorization: ${sign(CLUSTER0)}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`);
  const second = get(CLUSTER0, `Authorization: ${sign(CLUSTER0)}\r\nConnection: close\r\n`);
  const responses = await exchange(port, Buffer.concat([Buffer.from(first), body, Buffer.from(second)]), 2);
  t.same(
    responses.map((r) => r.status),
    [200, 200],
  );
  t.equal(responses[0]!.body, responses[1]!.body, 'the body changed nothing');
});

t.test('pipelined requests are all answered, in order', async (t) => {
  const targets = Array.from({ length: 60 }, (_, i) =>
    i % 10 === 9 ? `${CLUSTER0}/${'0'.repeat(24)}` : `${CLUSTER0}?itemsPerPage=1&pageNum=${i + 1}`,
  );
  const requests = targets.map((target, i) =>
    get(target, `Authorization: ${sign(target)}\r\n${i === targets.length - 1 ? 'Connection: close\r\n' : ''}`),
  );
  const responses = await exchange(port, requests.join(''), targets.length);
  t.equal(responses.length, targets.length);
  responses.forEach((res, i) => {
    assertAtlasAnswer('GET', targets[i]!, { statusCode: res.status, headers: res.headers, body: res.body });
    if (i % 10 === 9) t.equal(res.status, 404, `${i}: unknown checkpoint`);
    else
      t.match(
        JSON.parse(res.body),
        { links: [{ href: new RegExp(`pageNum=${i + 1}&itemsPerPage=1$`), rel: 'self' }] },
        `${i}: its own page`,
      );
  });
});

t.test('a kept-alive connection is told how long it may stay idle', async (t) => {
  const [res] = await exchange(port, get('/_emulator/health'));
  t.equal(res?.headers['keep-alive'], 'timeout=72');
});

t.test('slow clients and idle connections are answered 408 and closed after the headers timeout', async (t) => {
  const [served] = await exchange(port, get('/_emulator/health', 'Connection: close\r\n'));
  t.equal(served?.status, 200, 'a new client is served while 201 connections sit idle');
  const answers = await idleAnswers;
  const ends = await Promise.all(
    [slow, ...idle].map((s) => s.readableEnded || new Promise((resolve) => s.once('end', () => resolve(true)))),
  );
  t.equal(ends.length, 201, 'the server ended every one');
  assertError(t, answers[0]![0], 408);
  t.equal(answers.filter((a) => a[0]?.status === 408).length, 201, 'each got a 408');
});

t.test('a request whose body stops arriving is answered 408 after the request timeout', async (t) => {
  const [res] = await stalledAnswer;
  assertError(t, res, 408);
  t.ok(stalled.readableEnded || (await new Promise((resolve) => stalled.once('end', () => resolve(true)))), 'and closed');
});

t.test('random request lines over a socket: a well-formed answer each, and the server lives on', async (t) => {
  const token = fc.string({ unit: fc.constantFrom(...'GETPOSTgetx-/ '), maxLength: 8 });
  const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get'), token);
  const targetByte = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(..."abcAZ09-._~!$&'()*+,;=:@/?%#".split('').map((c) => c.charCodeAt(0))) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && b !== 0x0d) },
  );
  const target = fc
    .tuple(
      fc.constantFrom('/', '/api/atlas/v1.0/', `${CLUSTER0}`, '', '*', 'http://emulator/', '//'),
      fc.array(targetByte, { maxLength: 60 }),
    )
    .map(([prefix, bytes]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)]));
  const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1 ', 'http/1.1', '', 'HTTP/1.1x');
  const header = fc.oneof(
    fc.constantFrom(
      'Accept: */*',
      'Accept:',
      ': empty name',
      'X-Tab:\tvalue',
      'Transfer-Encoding: gzip',
      'Expect: 100-continue',
      'Host:',
      'Upgrade: h2c',
    ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  );
  await fc.assert(
    fc.asyncProperty(method, target, version, fc.array(header, { maxLength: 4 }), async (m, path, v, headers) => {
      const request = Buffer.concat([
        Buffer.from(`${m} `),
        path,
        Buffer.from(` ${v}\r\nHost: emulator\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`),
      ]);
      const [res] = await exchange(port, request);
      if (!res) throw new Error(`no answer to ${JSON.stringify(request.toString('latin1'))}`);
      assertAtlasAnswer('GET', path.toString('latin1').split('?')[0]!, { statusCode: res.status, headers: res.headers, body: res.body });
    }),
    propertyParameters(500),
  );
  const [health] = await exchange(port, get('/_emulator/health', 'Connection: close\r\n'));
  t.equal(health?.status, 200, 'still serving');
});
