import { hash, randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { REALM } from '../../src/auth/digest.js';
import { digestHeader, PRIVATE_KEY, PUBLIC_KEY } from '../helpers/test-app.js';
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

/** The request-digest of a GET of `path` for the benchmark's API key (RFC 7616, MD5, qop=auth). */
function signer(path: string): (nonce: string, nc: number, cnonce: string) => string {
  // H(A1) and H(A2) do not change within a run: one MD5 per request, as a lean client does it.
  const md5 = (text: string) => hash('md5', text, 'hex');
  const ha1 = md5(`${PUBLIC_KEY}:${REALM}:${PRIVATE_KEY}`);
  const ha2 = md5(`GET:${path}`);
  return (nonce, nc, cnonce) => {
    const count = nc.toString(16).padStart(8, '0');
    const response = md5(`${ha1}:${nonce}:${count}:${cnonce}:auth:${ha2}`);
    return `Digest username="${PUBLIC_KEY}", realm="${REALM}", nonce="${nonce}", uri="${path}", algorithm=MD5, response="${response}", qop=auth, nc=${count}, cnonce="${cnonce}"`;
  };
}

/** One parsed response: its status, its body length, and the nonce of a challenge. */
interface Answer {
  status: number;
  length: number;
  nonce: string | undefined;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * One keep-alive connection, one request in flight: writes a request, reads the answer's
 * head, counts its body bytes without decoding them. A raw socket instead of an HTTP client
 * library, so that the generator spends far less CPU per call than the servers it measures.
 */
class RawConnection {
  private readonly socket: net.Socket;
  private head: Buffer = Buffer.alloc(0);
  private answer: Answer | undefined;
  private remaining = 0;
  private waiting: ((answer: Answer) => void) | undefined;
  private failed: ((err: Error) => void) | undefined;

  constructor(port: number) {
    // Reads land in one reused buffer (no allocation per read); only a split head is copied.
    const buffer = Buffer.allocUnsafe(256 * 1024);
    this.socket = net.connect({
      host: '127.0.0.1',
      port,
      noDelay: true,
      onread: {
        buffer,
        callback: (size) => {
          this.read(buffer.subarray(0, size));
          return true;
        },
      },
    });
    this.socket.on('error', (err) => this.failed?.(err));
    this.socket.on('close', () => this.failed?.(new Error('connection closed')));
    this.socket.setTimeout(10_000, () => this.socket.destroy(new Error('timeout')));
  }

  request(text: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.socket.write(text, 'latin1');
    });
  }

  close(): void {
    this.failed = undefined;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    if (!this.answer) {
      this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf(HEADER_END);
      if (end === -1) {
        this.head = Buffer.from(this.head);
        return;
      }
      const text = this.head.toString('latin1', 0, end);
      const length = /\r\ncontent-length: *(\d+)/i.exec(text);
      const challenge = /\r\nwww-authenticate: *Digest [^\r]*nonce="([^"]+)"/i.exec(text);
      this.answer = { status: Number(text.slice(9, 12)), length: length ? Number(length[1]) : -1, nonce: challenge?.[1] };
      this.remaining = Math.max(this.answer.length, 0);
      chunk = this.head.subarray(end + HEADER_END.length);
      this.head = Buffer.alloc(0);
    }
    this.remaining -= chunk.length;
    if (this.remaining > 0) return;
    const answer = this.answer;
    this.answer = undefined;
    const resolve = this.waiting!;
    this.waiting = undefined;
    resolve(answer);
  }
}

async function runLoad(command: LoadCommand): Promise<LoadResult> {
  const { origin, path, auth, connections, expectedLength } = command;
  const { hostname, port } = new URL(origin);
  const bare = `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
  const signed = (authorization: string) => `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: ${authorization}\r\n\r\n`;
  const sign = signer(path);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let calls = 0;
  let failures = 0;
  const answered = (answer: Answer, expected: number): boolean => {
    statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
    return answer.status === expected && (expected !== 200 || answer.length === expectedLength);
  };

  const deadline = performance.now() + command.seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const loop = async (): Promise<void> => {
    const connection = new RawConnection(Number(port));
    const cnonce = randomBytes(8).toString('hex');
    let nonce: string | undefined;
    let nc = 0;
    try {
      while (performance.now() < deadline) {
        const callStarted = performance.now();
        if (auth === 'challenge-per-call' || (auth === 'digest' && nonce === undefined)) {
          // The Go clients' pattern: every call first unauthenticated, answered by the challenge.
          const challenge = await connection.request(bare);
          if (!answered(challenge, 401) || !challenge.nonce) {
            failures++;
            continue;
          }
          nonce = challenge.nonce;
          nc = 0;
        }
        const answer = await connection.request(auth === 'none' ? bare : signed(sign(nonce!, ++nc, cnonce)));
        if (answered(answer, 200)) {
          calls++;
          latencies.push(performance.now() - callStarted);
        } else if (auth === 'digest' && answer.status === 401 && answer.nonce) {
          // A stale nonce (a long run), answered as a client does: sign with the new one.
          nonce = answer.nonce;
          nc = 0;
        } else failures++;
      }
    } catch {
      failures++;
    } finally {
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return {
    seconds,
    calls,
    failures,
    statusCounts,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds,
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
  const nonce = await challengeNonce(command.origin, command.paths[0]!);
  let nc = 0;
  const result: ProbeResult = { latencies: [], statuses: [], lengths: [] };
  // One untimed request (outside Atlas auth, never cached) opens the kept-alive connection,
  // so no sample pays for a TCP handshake.
  await get(agent, `${command.origin}/_emulator/health`, {});
  for (const path of command.paths) {
    const { status, length, ms } = await get(agent, command.origin + path, {
      authorization: digestHeader({ method: 'GET', uri: path, nonce, nc: ++nc }),
    });
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
