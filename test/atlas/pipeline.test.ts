import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { listen } from '../helpers/auth.js';
import { buildTestApp, CLUSTER0, digestHeader, GROUP, parseChallenge, V2_ACCEPT } from '../helpers/test-app.js';
import { exchange } from '../helpers/http-wire.js';

// One pipeline (src/atlas/pipeline.ts): a request over a real socket and the same request
// through inject() are routed by Fastify through the same steps, so they get the same status,
// headers and body bytes, and leave the same journal entry. Only what belongs to the transport
// differs: Date, Connection and Keep-Alive, and the nonce of each challenge.

const HOST = 'emulator.test';
const USER_AGENT = 'pipeline-test';
const TRANSPORT = new Set(['date', 'connection', 'keep-alive']);

interface Request {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The headers a test compares: the transport's left out, a challenge's nonce masked. */
function comparable(headers: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TRANSPORT.has(name)) kept[name] = String(value).replace(/nonce="[^"]+"/, 'nonce="..."');
  }
  return kept;
}

async function overSocket(port: number, { method, url, headers = {} }: Request): Promise<Answer> {
  const lines = Object.entries({ host: HOST, 'user-agent': USER_AGENT, ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  const [res] = await exchange(port, `${method} ${url} HTTP/1.1\r\n${lines.join('')}\r\n`);
  return { status: res!.status, headers: comparable(res!.headers), body: res!.body };
}

async function throughInject(app: FastifyInstance, { method, url, headers = {} }: Request): Promise<Answer> {
  const res = await app.inject({ method, url, headers: { host: HOST, 'user-agent': USER_AGENT, ...headers } });
  return { status: res.statusCode, headers: comparable(res.headers), body: res.body };
}

/** The journal's last entry, without what differs between any two requests (sequence, time, latency). */
function lastEntry(app: FastifyInstance): unknown {
  const { seq, time, latencyMs, ...entry } = app.emulator.journal.list({}, 1)[0]!;
  return entry;
}

/** A request signed with a fresh challenge's nonce (each path gets its own). */
async function signed(app: FastifyInstance, request: Request): Promise<Request> {
  const challenge = await app.inject({ method: 'GET', url: CLUSTER0, headers: { host: HOST } });
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  return {
    ...request,
    headers: { ...request.headers, authorization: digestHeader({ method: request.method, uri: request.url, nonce: nonce! }) },
  };
}

t.test('a request over a socket and through inject() get the same answer and journal entry', async (t) => {
  const app = buildTestApp(t);
  const port = Number(new URL(await listen(app)).port);
  const cases: [string, Request, number][] = [
    ['a bare request: the challenge', { method: 'GET', url: CLUSTER0 }, 401],
    ['a signed read of a page, rendered then cached', { method: 'GET', url: `${CLUSTER0}?itemsPerPage=5` }, 200],
    ['a signed read under v2', { method: 'GET', url: CLUSTER0.replace('v1.0', 'v2'), headers: { accept: V2_ACCEPT } }, 200],
    ['an unknown path, signed', { method: 'GET', url: `/api/atlas/v1.0/groups/${GROUP}/nothing` }, 404],
    ['a query parameter the schema refuses', { method: 'GET', url: `${CLUSTER0}?itemsPerPage=0` }, 400],
    ['a method the resource does not allow', { method: 'POST', url: CLUSTER0 }, 405],
    ['a refused Digest response', { method: 'GET', url: CLUSTER0, headers: { authorization: 'Digest username="emulator"' } }, 401],
    ['the token endpoint without a form', { method: 'POST', url: '/api/oauth/token' }, 400],
  ];
  for (const [what, request, status] of cases) {
    const sign = status !== 401 && request.url.startsWith('/api/atlas/');
    const socket = await overSocket(port, sign ? await signed(app, request) : request);
    const socketEntry = lastEntry(app);
    const injected = await throughInject(app, sign ? await signed(app, request) : request);
    const injectedEntry = lastEntry(app);
    t.equal(socket.status, status, `${what}: ${status}`);
    t.same(injected, socket, `${what}: the same status, headers and bytes`);
    t.same(injectedEntry, socketEntry, `${what}: the same journal entry`);
  }
});

t.test('fault rules act on both alike, before and after authentication', async (t) => {
  const app = buildTestApp(t);
  const port = Number(new URL(await listen(app)).port);
  const page = `${CLUSTER0}?itemsPerPage=3`;
  app.emulator.faults.add({ match: { path: '/api/oauth/token' }, effect: { type: 'error', status: 503 }, everyRequest: true, times: 2 });
  app.emulator.faults.add({ match: { path: CLUSTER0 }, effect: { type: 'error', status: 429 }, times: 2 });
  for (const request of [{ method: 'POST', url: '/api/oauth/token' }, await signed(app, { method: 'GET', url: page })] as Request[]) {
    const socket = await overSocket(port, request);
    const socketEntry = lastEntry(app);
    const injected = await throughInject(app, request.url === page ? await signed(app, request) : request);
    t.equal(socket.status, request.url === page ? 429 : 503);
    t.same(injected, socket, `${request.method} ${request.url}: the same faulted answer`);
    t.same(lastEntry(app), socketEntry, 'and the same journal entry, naming the fault');
  }
});
