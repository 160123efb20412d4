import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { CLUSTER0, digestHeader, parseChallenge } from '../helpers/test-app.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// A CI-sized soak (the long one is in the benchmark): 20 connections against a real process,
// every request signed with its own Digest response (per-connection nonce, nc counting up),
// over a rotation of pages. Zero non-2xx, zero errors, and resident memory that does not
// grow with the number of requests (nonce records, page cache and journal are bounded).

const CONNECTIONS = 20;
const WARM_UP_SECONDS = 3;
const SOAK_SECONDS = 10;
/** Generous: a leak of even 1 KB per request would pass it several times over in 10 s. */
const RSS_GROWTH_BOUND_MB = 64;
const PATHS = [
  CLUSTER0,
  `${CLUSTER0}?pageNum=2&itemsPerPage=10`,
  `${CLUSTER0}?itemsPerPage=500&pretty=true`,
  `${CLUSTER0}?includeCount=false&envelope=true`,
  `${CLUSTER0}/5a7cdb3980eef53de5bffdcf`,
  CLUSTER0.replace('v1.0', 'v2'),
];

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return Math.round(Number(kb) / 1024);
}

async function soak(origin: string, seconds: number): Promise<autocannon.Result> {
  // A nonce-count sequence belongs to its nonce (RFC 7616 3.4): each connection takes its own.
  const nonces = await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      async () => parseChallenge((await fetch(origin + CLUSTER0)).headers.get('www-authenticate')!).nonce!,
    ),
  );
  return autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: seconds,
    setupClient: (client) => {
      const nonce = nonces.pop()!;
      const cnonce = randomBytes(8).toString('hex');
      let nc = 0;
      client.setRequests(
        PATHS.map((path) => ({
          method: 'GET' as const,
          path,
          setupRequest: (request: autocannon.Request) => ({
            ...request,
            headers: {
              ...request.headers,
              accept: path.includes('/v2/') ? 'application/vnd.atlas.2023-01-01+json' : 'application/json',
              authorization: digestHeader({ method: 'GET', uri: path, nonce, nc: ++nc, cnonce }),
            },
          }),
        })),
      );
    },
  });
}

t.test(`soak: ${CONNECTIONS} connections, ${SOAK_SECONDS} s, per-request Digest`, async (t) => {
  const server = spawnEmulator({ env: { ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => server.child.kill('SIGKILL'));
  const origin = await server.ready;
  const pid = server.child.pid!;

  const warmUp = await soak(origin, WARM_UP_SECONDS);
  t.equal(warmUp.non2xx, 0, 'warm-up: no non-2xx');
  const before = rssMb(pid);
  const result = await soak(origin, SOAK_SECONDS);
  const after = rssMb(pid);

  t.equal(result.non2xx, 0, 'no non-2xx answer');
  t.equal(result.errors, 0, 'no socket error');
  t.equal(result.timeouts, 0, 'no timeout');
  t.ok(result.requests.total > 0, `${result.requests.total} requests`);
  t.ok(after - before < RSS_GROWTH_BOUND_MB, `RSS ${before} MB -> ${after} MB (bound +${RSS_GROWTH_BOUND_MB} MB)`);
  t.comment(
    `soak: ${result.requests.total} requests in ${SOAK_SECONDS} s (${Math.round(result.requests.average)} req/s average), ` +
      `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, server RSS ${before} MB before, ${after} MB after`,
  );
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
});
