import net from 'node:net';

// HTTP/1.1 at the byte level, for what an HTTP client library would refuse to send: malformed
// or oversized requests, pipelining, half-sent headers, idle connections.

export interface WireResponse {
  status: number;
  reason: string;
  /** Lower-cased names; the last value wins. */
  headers: Record<string, string>;
  body: string;
}

export function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Parses as many complete Content-Length-framed final responses as `raw` holds; returns them and the rest. */
export function parseResponses(raw: Buffer): { responses: WireResponse[]; rest: Buffer } {
  const responses: WireResponse[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine!);
    if (!match) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
    if (match[1]!.startsWith('1')) {
      // An interim answer (100 Continue): no body, the real response follows.
      rest = rest.subarray(end + 4);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (headers['content-length'] === undefined) throw new Error(`response without Content-Length: ${statusLine}`);
    const length = Number(headers['content-length']);
    if (rest.length < end + 4 + length) break;
    responses.push({
      status: Number(match[1]),
      reason: match[2]!,
      headers,
      body: rest.subarray(end + 4, end + 4 + length).toString('utf8'),
    });
    rest = rest.subarray(end + 4 + length);
  }
  return { responses, rest };
}

/**
 * Reads from `socket` until `count` responses have arrived, or the connection closes, or
 * `timeoutMs` passes; resolves with the responses received (possibly fewer than `count`).
 */
export function readResponses(socket: net.Socket, count: number, timeoutMs = 20_000): Promise<WireResponse[]> {
  return new Promise((resolve, reject) => {
    let raw: Buffer = Buffer.alloc(0);
    let parsed: WireResponse[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', finish);
      resolve(parsed);
    };
    const onData = (chunk: Buffer) => {
      raw = Buffer.concat([raw, chunk]);
      try {
        const { responses, rest } = parseResponses(raw);
        parsed = [...parsed, ...responses];
        raw = rest;
      } catch (err) {
        clearTimeout(timer);
        reject(err);
        return;
      }
      if (parsed.length >= count) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', onData);
    socket.on('close', finish);
    if (socket.closed) finish();
  });
}

/** Connects, writes `request` (whole), and collects the responses until the server closes or `count` arrive. */
export async function exchange(port: number, request: string | Buffer, count = 1): Promise<WireResponse[]> {
  const socket = await connect(port);
  socket.on('error', () => {});
  socket.write(request);
  try {
    return await readResponses(socket, count);
  } finally {
    socket.destroy();
  }
}
