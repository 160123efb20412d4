import { request as httpRequest } from 'node:http';
import t from 'tap';
import { CLUSTER0, buildTestApp, digestHeader, GROUP, json, parseChallenge, V2_ACCEPT } from '../helper.js';
import { control } from '../control/control-client.js';
import { listen } from './auth-helper.js';

// The bare Digest challenge is answered before Fastify on the Atlas routes (src/auth/
// early-challenge.ts). Over a real socket (inject() never takes that path): the same status,
// headers in the same order and body as Fastify's answer, journaled alike; requests the early
// router does not hold, and every request while a fault rule is armed, reach Fastify.

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
  const { earlyChallenge } = app.emulator;
  const journaled = async () => json(await control(app, 'GET', '/requests')).requests.map((e: { method: string; path: string; status: number; challenge: boolean; auth: object }) => JSON.stringify([e.method, e.path, e.status, e.challenge, e.auth]));
  for (const call of REQUESTS) {
    await control(app, 'DELETE', '/requests');
    const before = earlyChallenge.answered;
    const early = await send(base, call.method, call.path, call.headers, call.body);
    t.equal(earlyChallenge.answered - before, call.early ? 1 : 0, `${call.name}: ${call.early ? 'answered before' : 'answered by'} Fastify`);
    // A fault rule that matches nothing sends every request to Fastify.
    const rule = json(await control(app, 'POST', '/faults', { match: { path: '/nothing' }, effect: { type: 'error' } }));
    const armed = earlyChallenge.answered;
    const fastify = await send(base, call.method, call.path, call.headers, call.body);
    t.equal(earlyChallenge.answered, armed, `${call.name}: with a rule armed, Fastify answers`);
    await control(app, 'DELETE', `/faults/${rule.id}`);
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
