import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { CLUSTER0, buildTestApp, digestHeader, GROUP, GROUP2, json, load, parseChallenge, PRIVATE_KEY, V2_ACCEPT, type DigestInput } from '../helper.js';
import { control } from '../control/control-client.js';
import { CREDENTIALS, listen } from '../auth/auth-helper.js';

// The bare Digest challenge and signed reads the page cache holds are answered before Fastify
// on the Atlas routes (src/atlas/early-answers.ts). Over a real socket (inject() never takes
// that path): the same status, headers in the same order and body as Fastify's answer,
// journaled alike; requests the early router does not hold, reads it may not answer, and
// every request while a fault rule is armed, reach Fastify, each nonce count used once.

interface Raw {
  status: number;
  headers: string[];
  body: string;
}

function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        // Header names in order with their values, but the date and the nonce (new each time).
        const pairs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          if (name.toLowerCase() !== 'date') pairs.push(`${name}: ${res.rawHeaders[i + 1]!.replace(/nonce="[^"]+"/, 'nonce="…"')}`);
        }
        resolve({ status: res.statusCode!, headers: pairs, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `call` with a fault rule armed that matches nothing: every request then goes to Fastify. */
async function withRuleArmed<T>(app: ReturnType<typeof buildTestApp>, call: () => Promise<T>): Promise<T> {
  const rule = json(await control(app, 'POST', '/faults', { match: { path: '/nothing' }, effect: { type: 'error' } }));
  try {
    return await call();
  } finally {
    await control(app, 'DELETE', `/faults/${rule.id}`);
  }
}

const BASE = `/api/atlas/v2/groups/${GROUP}/clusters/Cluster0`;
const REQUESTS: { name: string; method: string; path: string; headers?: Record<string, string>; body?: string; early: boolean }[] = [
  { name: 'a v1.0 list', method: 'GET', path: `${CLUSTER0}?pageNum=2&itemsPerPage=5`, early: true },
  { name: 'a v2 item', method: 'GET', path: `${BASE}/backupCheckpoints/5a7cdb3980eef53de5bffdcf`, headers: { accept: V2_ACCEPT }, early: true },
  { name: 'HEAD of a list', method: 'HEAD', path: `${BASE}/snapshots`, early: true },
  { name: 'a POST with a body', method: 'POST', path: `${BASE}/restoreJobs`, headers: { 'content-type': 'application/json' }, body: '{"delivery":{"methodName":"HTTP"}}', early: true },
  { name: 'a PATCH', method: 'PATCH', path: `${BASE}/snapshotSchedule`, headers: { 'content-type': 'application/json' }, body: '{}', early: true },
  { name: 'a method the resource refuses (405 after auth)', method: 'PUT', path: `${BASE}/snapshots`, early: true },
  { name: 'an unknown cluster (the router decides on the path, the handler on the cluster)', method: 'GET', path: BASE.replace('Cluster0', 'nope') + '/snapshots', early: true },
  { name: 'a path no Atlas route has', method: 'GET', path: '/api/atlas/v2/groups', early: false },
  { name: 'a malformed percent-encoding', method: 'GET', path: `${BASE.replace('Cluster0', '%zz')}/snapshots`, early: false },
  { name: 'an empty Authorization header', method: 'GET', path: `${BASE}/snapshots`, headers: { authorization: '' }, early: false },
];

t.test('the early challenge answers as Fastify does; the router decides which requests it takes', async (t) => {
  const app = buildTestApp(t);
  const base = await listen(app);
  const { answered } = app.emulator.earlyAnswers;
  const journaled = async () => json(await control(app, 'GET', '/requests')).requests.map((e: { method: string; path: string; status: number; challenge: boolean; auth: object }) => JSON.stringify([e.method, e.path, e.status, e.challenge, e.auth]));
  for (const call of REQUESTS) {
    await control(app, 'DELETE', '/requests');
    const before = answered.challenges;
    const early = await send(base, call.method, call.path, call.headers, call.body);
    t.equal(answered.challenges - before, call.early ? 1 : 0, `${call.name}: ${call.early ? 'answered before' : 'answered by'} Fastify`);
    const fastify = await withRuleArmed(app, () => send(base, call.method, call.path, call.headers, call.body));
    t.equal(answered.challenges - before, call.early ? 1 : 0, `${call.name}: with a rule armed, Fastify answers`);
    t.same(early, fastify, `${call.name}: the same answer`);
    const entries = await journaled();
    if (call.early) t.equal(entries.length, 2, `${call.name}: journaled twice`);
    t.equal(entries[0], entries[1], `${call.name}: journaled alike`);
    if (call.early) {
      t.equal(early.status, 401);
      t.same(early.headers.slice(0, 3), [
        'www-authenticate: Digest realm="MMS Public API", domain="", nonce="…", algorithm=MD5, qop="auth", stale=false',
        'content-type: application/json',
        'content-length: 142',
      ]);
    }
  }
});

t.test("a client signs with the early challenge's nonce", async (t) => {
  const app = buildTestApp(t);
  const base = await listen(app);
  const challenge = await new Promise<string>((resolve) => httpRequest(base + CLUSTER0, (res) => resolve(String(res.headers['www-authenticate']))).end());
  const { nonce } = parseChallenge(challenge);
  const signed = await send(base, 'GET', CLUSTER0, { authorization: digestHeader({ method: 'GET', uri: CLUSTER0, nonce: nonce! }) });
  t.equal(signed.status, 200);
  t.equal(JSON.parse(signed.body).totalCount, 61);
});

/** The nonce of the challenge a bare GET of `path` gets. */
function challengeNonce(base: string, path: string): Promise<string> {
  return new Promise((resolve) => httpRequest(base + path, (res) => (res.resume(), resolve(parseChallenge(String(res.headers['www-authenticate'])).nonce!))).end());
}

/** A bare GET for a challenge, then the request signed with its nonce (`digest` changes the signature). */
async function signedSend(base: string, method: string, path: string, headers: Record<string, string> = {}, digest: Partial<DigestInput> = {}): Promise<Raw> {
  const authorization = digestHeader({ method, uri: path, nonce: await challengeNonce(base, path), ...digest });
  return send(base, method, path, { ...headers, authorization });
}

const V1_GROUP2 = `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints?itemsPerPage=3`;
const READS: { name: string; path: string; headers?: Record<string, string> }[] = [
  { name: 'a v1.0 list page', path: `${CLUSTER0}?pageNum=2&itemsPerPage=5` },
  { name: 'a v2 item', path: `${BASE}/backupCheckpoints/5a7cdb3980eef53de5bffdcf`, headers: { accept: V2_ACCEPT } },
  { name: 'a v2 list, pretty', path: `${BASE}/snapshots?pretty=true`, headers: { accept: V2_ACCEPT } },
  { name: 'the snapshot schedule', path: `${BASE}/snapshotSchedule`, headers: { accept: V2_ACCEPT } },
  { name: "another project's list", path: V1_GROUP2 },
];

t.test('a signed read the page cache holds is answered before Fastify, as Fastify answers it', async (t) => {
  const app = buildTestApp(t);
  const base = await listen(app);
  const { answered } = app.emulator.earlyAnswers;
  const lastSigned = async () => {
    const { requests } = json(await control(app, 'GET', '/requests'));
    return JSON.stringify(requests.filter((e: { status: number }) => e.status !== 401).at(-1), (key, value) => (key === 'seq' || key === 'time' || key === 'latencyMs' ? undefined : value));
  };
  for (const read of READS) {
    const before = answered.reads;
    const first = await signedSend(base, 'GET', read.path, read.headers);
    t.equal(first.status, 200, `${read.name}: the first read (a miss) checks its nonce count once`);
    t.equal(answered.reads, before, `${read.name}: a miss is Fastify's`);
    const firstEntry = await lastSigned();
    const early = await signedSend(base, 'GET', read.path, read.headers);
    t.equal(answered.reads, before + 1, `${read.name}: then answered before Fastify`);
    const earlyEntry = await lastSigned();
    const fastify = await withRuleArmed(app, () => signedSend(base, 'GET', read.path, read.headers));
    t.equal(answered.reads, before + 1, `${read.name}: with a rule armed, Fastify answers`);
    t.same(early, fastify, `${read.name}: the same answer`);
    t.same(early, first, `${read.name}: the same answer as the first read's`);
    t.equal(earlyEntry, firstEntry, `${read.name}: journaled alike`);
  }
});

/** Reads the early path checks and leaves to Fastify; each sends a fresh request. */
const FALLBACKS: { name: string; status: number; earlyReads?: number; call: (base: string) => Promise<Raw> }[] = [
  { name: 'a key without access to the project', status: 401, call: (base) => signedSend(base, 'GET', V1_GROUP2, {}, { username: 'groupone', password: 'group-one-private-key-1234' }) },
  { name: "a key whose access list leaves the caller's address out", status: 403, call: (base) => signedSend(base, 'GET', CLUSTER0, {}, { username: 'elsewhere', password: 'elsewhere-private-key-3456' }) },
  { name: 'a wrong signature', status: 401, call: (base) => signedSend(base, 'GET', CLUSTER0, {}, { password: `${PRIVATE_KEY}x` }) },
  { name: 'a v2 Accept header that selects no version', status: 406, call: (base) => signedSend(base, 'GET', `${BASE}/snapshotSchedule`, { accept: 'application/vnd.atlas.2020-01-01+json' }) },
  { name: 'a HEAD', status: 200, call: (base) => signedSend(base, 'HEAD', CLUSTER0) },
  {
    name: 'a replayed nonce count (its first use is answered early)',
    status: 401,
    earlyReads: 1,
    call: async (base) => {
      const authorization = digestHeader({ method: 'GET', uri: CLUSTER0, nonce: await challengeNonce(base, CLUSTER0) });
      await send(base, 'GET', CLUSTER0, { authorization });
      return send(base, 'GET', CLUSTER0, { authorization });
    },
  },
];

t.test('reads the early path may not answer reach Fastify, with their nonce count used once', async (t) => {
  const app = buildTestApp(t);
  load(app, CREDENTIALS);
  const base = await listen(app);
  const { answered } = app.emulator.earlyAnswers;
  // The pages these requests read, in the cache.
  for (const path of [V1_GROUP2, CLUSTER0, `${BASE}/snapshotSchedule`]) t.equal((await signedSend(base, 'GET', path, { accept: V2_ACCEPT })).status, 200);
  for (const { name, status, earlyReads = 0, call } of FALLBACKS) {
    const reads = answered.reads;
    const early = await call(base);
    t.equal(answered.reads - reads, earlyReads, `${name}: not answered before Fastify`);
    const fastify = await withRuleArmed(app, () => call(base));
    t.equal(early.status, status, `${name}: ${status}`);
    t.same(early, fastify, `${name}: answered as Fastify answers it`);
  }
  // Two Authorization headers (Node keeps the first; Atlas's answer is the challenge), on a cached page (same Host).
  const authorization = digestHeader({ method: 'GET', uri: CLUSTER0, nonce: await challengeNonce(base, CLUSTER0) });
  const reads = answered.reads;
  const twice = await new Promise<string>((resolve) => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.end(`GET ${CLUSTER0} HTTP/1.1\r\nHost: ${new URL(base).host}\r\nConnection: close\r\nAuthorization: ${authorization}\r\nAuthorization: ${authorization}\r\n\r\n`);
  });
  t.match(twice, /^HTTP\/1\.1 401 Unauthorized\r\n/, 'two Authorization headers: the challenge');
  t.equal(answered.reads, reads, 'two Authorization headers: answered by Fastify');
});

t.test('with rate limits on, signed reads go to Fastify (which sets the RateLimit headers)', async (t) => {
  const app = buildTestApp(t, { rateLimit: '100/1m' });
  const base = await listen(app);
  for (let i = 0; i < 2; i++) {
    const res = await signedSend(base, 'GET', CLUSTER0);
    t.equal(res.status, 200);
    t.ok(res.headers.includes('ratelimit-limit: 100'), 'the RateLimit headers');
  }
  t.equal(app.emulator.earlyAnswers.answered.reads, 0);
});
