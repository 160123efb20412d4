import { digestHeader, parseChallenge } from '../helpers/test-app.js';

// Digest over plain fetch, for the benchmark's set-up requests (the load generator signs its
// own per request). Built on the tests' independent RFC 7616 client.

/** The nonce of the challenge an unauthenticated GET of `path` gets. */
export async function challengeNonce(origin: string, path: string): Promise<string> {
  const res = await fetch(origin + path);
  await res.arrayBuffer();
  const header = res.headers.get('www-authenticate');
  if (res.status !== 401 || !header) throw new Error(`expected a 401 challenge from ${path}, got ${res.status}`);
  return parseChallenge(header).nonce!;
}

/** A GET the Go clients' way (challenge, then signed with nc=1); returns the status and body. */
export async function fetchAuthed(origin: string, path: string): Promise<{ status: number; body: Buffer }> {
  const nonce = await challengeNonce(origin, path);
  const res = await fetch(origin + path, { headers: { authorization: digestHeader({ method: 'GET', uri: path, nonce }) } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
