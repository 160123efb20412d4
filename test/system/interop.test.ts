import DigestClient from 'digest-fetch';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { authed, CLUSTER0, json, PRIVATE_KEY, PUBLIC_KEY } from '../helpers/test-app.js';
import { buildLoggedApp, listen } from '../helpers/auth.js';
import { pythonWithRequests } from '../helpers/python.js';

// Three independent Digest clients against a listening server, each walking every page of
// Cluster0 (61 checkpoints, 7 a page, by the `next` links): curl --digest (a new handshake
// per call, nc=00000001), Python requests and the npm digest-fetch client (both reuse the
// nonce with an increasing nc, and so also meet an expired nonce, the emulator clock moved past
// its lifetime, and must retry on stale=true).

const run = promisify(execFile);
const FIRST = `${CLUSTER0}?itemsPerPage=7`;
const NONCE_TTL = 300;
const PAGES = 9;

async function setup(t: Test) {
  const logged = buildLoggedApp(t, { nonceTtlSeconds: NONCE_TTL });
  const expected = (json(await authed(logged.app, { url: `${CLUSTER0}?itemsPerPage=100` })).results as { id: string }[]).map((c) => c.id);
  t.equal(expected.length, 61);
  const base = await listen(logged.app);
  // The statuses the journal recorded since: the emulator answers a bare challenge before
  // Fastify, so the journal, not a Fastify hook, sees every answer.
  const before = logged.app.emulator.journal.list().length;
  const statuses = () =>
    logged.app.emulator.journal
      .list()
      .slice(before)
      .map((entry) => entry.status);
  return { ...logged, statuses, expected, base };
}

function nextOf(page: { links: { rel: string; href: string }[] }): string | undefined {
  return page.links.find((link) => link.rel === 'next')?.href;
}

t.test('curl --digest walks every page, one handshake per call', async (t) => {
  const { base, expected, statuses, reasons } = await setup(t);
  const ids: string[] = [];
  for (let url: string | undefined = base + FIRST; url; ) {
    const { stdout } = await run('curl', ['--silent', '--show-error', '--fail', '--digest', '--user', `${PUBLIC_KEY}:${PRIVATE_KEY}`, url]);
    const page = JSON.parse(stdout);
    ids.push(...page.results.map((c: { id: string }) => c.id));
    url = nextOf(page);
  }
  t.same(ids, expected);
  t.same(statuses(), Array.from({ length: PAGES }, () => [401, 200]).flat());
  t.same(reasons(), []);
});

t.test('Python requests HTTPDigestAuth walks every page reusing the nonce, then retries a stale one', async (t) => {
  const { base, expected, statuses, reasons } = await setup(t);
  const script = fileURLToPath(new URL('./requests_walk.py', import.meta.url));
  const { stdout } = await run(await pythonWithRequests(), [script, base + FIRST, PUBLIC_KEY, PRIVATE_KEY, `PT${NONCE_TTL + 1}S`]);
  const result = JSON.parse(stdout) as { ids: string[]; statuses: number[][]; after_sleep: number[] };
  t.same(result.ids, expected);
  // One challenge for the whole walk: every later page reuses the nonce.
  t.same(result.statuses, [[1, 200], ...Array.from({ length: PAGES - 1 }, () => [0, 200])]);
  t.same(result.after_sleep, [1, 200], 'one stale=true 401, then success without new credentials');
  t.same(reasons(), ['stale_nonce']);
  t.same(statuses().slice(-2), [401, 200]);
});

t.test('the npm digest-fetch client walks every page reusing the nonce, then retries a stale one', async (t) => {
  const { app, base, expected, statuses, reasons } = await setup(t);
  const client = new DigestClient(PUBLIC_KEY, PRIVATE_KEY);
  const ids: string[] = [];
  for (let url: string | undefined = base + FIRST; url; ) {
    const res = await client.fetch(url);
    t.equal(res.status, 200);
    const page = await res.json();
    ids.push(...page.results.map((c: { id: string }) => c.id));
    url = nextOf(page);
  }
  t.same(ids, expected);
  t.same(statuses(), [401, ...Array.from({ length: PAGES }, () => 200)]);
  app.emulator.clock.advance((NONCE_TTL + 1) * 1000);
  const again = await client.fetch(base + FIRST);
  t.equal(again.status, 200);
  t.equal((await again.json()).results.length, 7);
  t.same(statuses().slice(-2), [401, 200]);
  t.same(reasons(), ['stale_nonce']);
});
