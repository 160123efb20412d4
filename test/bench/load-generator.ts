import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import { digestHeader, parseChallenge } from '../helper.js';
import { challengeNonce } from './digest-fetch.js';
import { percentile } from './stats.js';

// The load generator: a child process of the benchmark (pinned to its own CPU) that takes
// commands over IPC. Every Digest request is signed here, per request, the way a client
// does it: a challenge taken from the server, a fresh MD5 qop=auth response, nc counting up.

/** How requests authenticate: not at all (baselines), Digest on a kept nonce, or challenge then Digest per call. */
export type AuthMode = 'none' | 'digest' | 'challenge-per-call';

export interface LoadCommand {
  kind: 'load';
  origin: string;
  path: string;
  auth: AuthMode;
  connections: number;
  seconds: number;
  /** Length of the correct 200 body; any other body is a failure. */
  expectedLength: number;
}

/** Sequential single requests, each timed alone (first hits on the page cache). */
export interface ProbeCommand {
  kind: 'probe';
  origin: string;
  paths: string[];
}

export interface LoadResult {
  seconds: number;
  /** Completed calls: a 200 with the expected body (in challenge-per-call, the 401 and the 200). */
  calls: number;
  /** Non-2xx (other than the expected challenges), wrong bodies, socket errors and timeouts. */
  failures: number;
  statusCounts: Record<string, number>;
  /** Per call, in ms. */
  p50: number;
  p99: number;
  /** CPU time of the load generator over wall time: near 1, it is the bottleneck. */
  generatorCpu: number;
}

export interface ProbeResult {
  latencies: number[];
  statuses: number[];
  lengths: number[];
}

/** One connection's Digest state: its nonce, its next nonce count, its client nonce. */
interface DigestSession {
  nonce: string;
  nc: number;
  cnonce: string;
}

/** The nonce of a 401's challenge (raw header names keep the server's case). */
function challengeIn(status: number, headers: IncomingHttpHeaders | undefined): string | undefined {
  if (status !== 401 || !headers) return undefined;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'www-authenticate');
  const value = name === undefined ? undefined : headers[name];
  return typeof value === 'string' ? parseChallenge(value).nonce : undefined;
}

function sign(session: DigestSession, path: string): string {
  return digestHeader({ method: 'GET', uri: path, nonce: session.nonce, nc: ++session.nc, cnonce: session.cnonce });
}

async function runLoad(command: LoadCommand): Promise<LoadResult> {
  const { origin, path, auth, connections, expectedLength } = command;
  const latencies: number[] = [];
  let calls = 0;
  let failures = 0;
  const check = (status: number, body: string): boolean => {
    const ok = status === 200 && body.length === expectedLength;
    if (ok) calls++;
    else failures++;
    return ok;
  };
  // Digest mode: one challenge per connection before the clock starts, as a client that keeps its nonce.
  const nonces = auth === 'digest' ? await Promise.all(Array.from({ length: connections }, () => challengeNonce(origin, path))) : [];

  const setupClient = (client: autocannon.Client): void => {
    if (auth === 'none') {
      client.on('response', (status: number, _bytes: number, ms: number) => status === 200 && latencies.push(ms));
      client.setRequests([{ method: 'GET', path, onResponse: (status: number, body: string) => void check(status, body) }]);
      return;
    }
    if (auth === 'digest') {
      const session: DigestSession = { nonce: nonces.pop()!, nc: 0, cnonce: randomBytes(8).toString('hex') };
      client.on('response', (status: number, _bytes: number, ms: number) => status === 200 && latencies.push(ms));
      client.setRequests([
        {
          method: 'GET',
          path,
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: sign(session, path) } }),
          onResponse: (status, body, _context, headers) => {
            // A stale nonce (a long run) is answered like a client would: sign with the new one.
            const renewed = check(status, body) ? undefined : challengeIn(status, headers);
            if (renewed) {
              session.nonce = renewed;
              session.nc = 0;
            }
          },
        },
      ]);
      return;
    }
    // The Go clients' pattern: every call is an unauthenticated request, the 401 challenge,
    // then the request signed with that challenge's nonce and nc=00000001.
    let callStarted = 0;
    let nonce: string | undefined;
    client.setRequests([
      {
        method: 'GET',
        path,
        setupRequest: (request) => {
          callStarted = performance.now();
          return request;
        },
        onResponse: (status, _body, _context, headers) => {
          nonce = challengeIn(status, headers);
          if (!nonce) failures++;
        },
      },
      {
        method: 'GET',
        path,
        setupRequest: (request) => {
          const session = { nonce: nonce ?? 'missing', nc: 0, cnonce: randomBytes(8).toString('hex') };
          return { ...request, headers: { ...request.headers, authorization: sign(session, path) } };
        },
        onResponse: (status: number, body: string) => {
          if (check(status, body)) latencies.push(performance.now() - callStarted);
        },
      },
    ]);
  };

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ url: origin + path, connections, duration: command.seconds, setupClient });
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
  latencies.sort((a, b) => a - b);
  const statusCounts: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats as Record<string, { count: number }>)) statusCounts[code] = Number(count);
  return {
    seconds: result.duration,
    calls,
    failures: failures + result.errors + result.timeouts,
    statusCounts,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    generatorCpu,
  };
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ status: number; length: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { agent, headers }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode!, length, ms: performance.now() - started }));
      })
      .on('error', reject);
  });
}

async function runProbe(command: ProbeCommand): Promise<ProbeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const session: DigestSession = { nonce: await challengeNonce(command.origin, command.paths[0]!), nc: 0, cnonce: randomBytes(8).toString('hex') };
  const result: ProbeResult = { latencies: [], statuses: [], lengths: [] };
  // One untimed request (outside Atlas auth, never cached) opens the kept-alive connection,
  // so no sample pays for a TCP handshake.
  await get(agent, `${command.origin}/_emulator/health`, {});
  for (const path of command.paths) {
    const { status, length, ms } = await get(agent, command.origin + path, { authorization: sign(session, path) });
    result.latencies.push(ms);
    result.statuses.push(status);
    result.lengths.push(length);
  }
  agent.destroy();
  return result;
}

process.on('message', (command: LoadCommand | ProbeCommand) => {
  const run = command.kind === 'load' ? runLoad(command) : runProbe(command);
  run.then(
    (result) => process.send!({ ok: true, result }),
    (err: Error) => process.send!({ ok: false, error: err.stack ?? err.message }),
  );
});
