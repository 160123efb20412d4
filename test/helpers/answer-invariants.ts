import { contractProblems } from './openapi-contract.js';

// What every answer of the emulator must be, whatever was asked: a success that conforms to
// the contract, or an error in Atlas's shape. Never a 5xx for a client's mistake, never
// Fastify's default body ({statusCode, error, message}), never a stack trace.

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

const ERROR_KEYS = ['detail', 'error', 'errorCode', 'parameters', 'reason'];
/** The Digest challenge's body: Atlas sends it in its own key order, without parameters. */
const CHALLENGE_KEYS = ['detail', 'error', 'errorCode', 'reason'];

/** Problems of an answer to `method url` ([] when it is a well-formed Atlas answer). */
export function answerProblems(method: string, url: string, res: Answer): string[] {
  const problems: string[] = [];
  if (res.statusCode >= 500) problems.push(`status ${res.statusCode} for a client's request`);
  if (method === 'HEAD') {
    if (res.body !== '') problems.push('HEAD answered with a body');
    return problems;
  }
  if (res.statusCode < 400) {
    if (!url.startsWith('/api/atlas/')) problems.push(`success ${res.statusCode} outside the API`);
    return [...problems, ...contractProblems(url, res.statusCode, res.headers['content-type'] as string | undefined, res.body)];
  }
  if (res.headers['content-type'] !== 'application/json') problems.push(`error content type ${String(res.headers['content-type'])}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return [...problems, `error body is not JSON: ${res.body.slice(0, 120)}`];
  }
  const keys = Object.keys(body).sort();
  const challenge = res.statusCode === 401 && res.headers['www-authenticate'] !== undefined;
  const expected = challenge ? CHALLENGE_KEYS : ERROR_KEYS;
  if (keys.join() !== expected.join()) problems.push(`error body keys ${keys.join()} are not ${expected.join()}`);
  if (body.error !== res.statusCode) problems.push(`body error ${String(body.error)} is not the status ${res.statusCode}`);
  if (typeof body.errorCode !== 'string' || !/^[A-Z_]+$/.test(body.errorCode)) problems.push(`errorCode ${String(body.errorCode)}`);
  if (typeof body.detail !== 'string' || typeof body.reason !== 'string') problems.push('detail and reason must be strings');
  if (!challenge && res.headers['x-error-code'] !== body.errorCode) problems.push(`X-Error-Code ${String(res.headers['x-error-code'])}`);
  if (!challenge && !Array.isArray(body.parameters)) problems.push('parameters is not an array');
  return problems;
}

/** Throws with the request, the problems and the body when the answer is not well formed. */
export function assertAtlasAnswer(method: string, url: string, res: Answer): void {
  const problems = answerProblems(method, url, res);
  if (problems.length > 0) {
    throw new Error(`${method} ${url.slice(0, 300)} -> ${res.statusCode}:\n  ${problems.join('\n  ')}\n  body: ${res.body.slice(0, 300)}`);
  }
}
