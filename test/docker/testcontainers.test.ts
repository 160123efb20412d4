import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import t from 'tap';
import { GenericContainer, Wait } from 'testcontainers';
import { freePort } from '../helpers/free-port.js';

// The emulator image driven by Testcontainers, the way a user's test suite would start it.
// Run by test/docker/run.sh after it has built the image (not by the main `tap` run):
//   IMAGE=atlas-backup-emulator:dev TESTCONTAINERS_RYUK_DISABLED=true \
//     npx tap --disable-coverage test/docker/testcontainers.test.ts
// Host networking and no Ryuk: the sandbox's engine has no bridge network and cannot pull
// Ryuk's image. With a normal engine, drop both and use .withExposedPorts(8080) and
// container.getMappedPort(8080) instead.

// Read by Testcontainers when the first container starts, so setting them here is in time.
// Ryuk (the reaper) is an image from Docker Hub; the teardown below removes the container.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
// Inside a container (/.dockerenv), Testcontainers looks up the `bridge` network's gateway
// to reach the engine's host; with host networking the answer is loopback.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

// IMAGE and TEST_PORT (from run.sh) are not ATLAS_EMU_ names: those are the emulator's options,
// and an ATLAS_EMU_ variable that is none is refused at its start.
const IMAGE = process.env.IMAGE ?? 'atlas-backup-emulator:dev';
const PUBLIC_KEY = 'emulator';
const PRIVATE_KEY = '6f2d8a1c-3b4e-4f5a-9c7d-0e1f2a3b4c5d';
const CLUSTER0 = '/api/atlas/v1.0/groups/6b8cd3c380eef5349ef77af7/clusters/Cluster0/backupCheckpoints';

const run = promisify(execFile);
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A minimal RFC 7616 client (MD5, qop=auth): one challenge, one authenticated request. */
async function digestGet(url: string): Promise<Response> {
  const challenge = await fetch(url);
  const header = challenge.headers.get('www-authenticate') ?? '';
  await challenge.arrayBuffer();
  if (challenge.status !== 401 || !header.startsWith('Digest ')) return challenge;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[m[1]!] = m[2] ?? m[3] ?? '';
  const uri = new URL(url).pathname + new URL(url).search;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${PUBLIC_KEY}:${params.realm}:${PRIVATE_KEY}`);
  const ha2 = md5(`GET:${uri}`);
  const response = md5(`${ha1}:${params.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const authorization =
    `Digest username="${PUBLIC_KEY}", realm="${params.realm}", nonce="${params.nonce}", uri="${uri}", ` +
    `algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"` +
    (params.opaque ? `, opaque="${params.opaque}"` : '');
  return fetch(url, { headers: { authorization } });
}

const port = Number(process.env.TEST_PORT) || (await freePort());
const base = `http://127.0.0.1:${port}`;

const startedAt = Date.now();
const container = await new GenericContainer(IMAGE)
  .withNetworkMode('host')
  .withEnvironment({ ATLAS_EMU_HOST: '127.0.0.1', ATLAS_EMU_PORT: String(port) })
  .withWaitStrategy(Wait.forLogMessage(/atlas-backup-emulator ready at /))
  .withStartupTimeout(60_000)
  .start();
t.comment(`container started and ready in ${Date.now() - startedAt} ms`);
let stopped = false;
t.teardown(async () => {
  if (!stopped) await container.stop({ timeout: 10_000 });
});

t.test('health answers 200 without credentials', async (t) => {
  const res = await fetch(`${base}/_emulator/health`);
  t.equal(res.status, 200);
  t.same(await res.json(), { status: 'ok' });
});

t.test('the API challenges an anonymous request with Digest', async (t) => {
  const res = await fetch(`${base}${CLUSTER0}`);
  await res.arrayBuffer();
  t.equal(res.status, 401);
  t.match(res.headers.get('www-authenticate') ?? '', /^Digest realm="MMS Public API", /);
});

t.test('the default API key reads the default dataset', async (t) => {
  const res = await digestGet(`${base}${CLUSTER0}?itemsPerPage=100`);
  t.equal(res.status, 200);
  const body = (await res.json()) as { totalCount: number; results: { id: string }[] };
  t.equal(body.totalCount, 61);
  t.equal(body.results.length, 61);
});

t.test('the container stops cleanly on SIGTERM', async (t) => {
  const before = Date.now();
  const result = await container.stop({ timeout: 10_000, remove: false });
  stopped = true;
  t.ok(Date.now() - before < 5_000, `stopped in ${Date.now() - before} ms`);
  const id = result.getId();
  const { stdout } = await run('docker', ['inspect', '-f', '{{.State.ExitCode}}', id]);
  t.equal(stdout.trim(), '0', 'exit code after SIGTERM');
  await run('docker', ['rm', '-v', id]);
});
