import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { authed, digestHeader, GROUP, json, parseChallenge } from './test-app.js';

// Calls to the control plane through inject(), and Atlas reads to compare state by.

export async function control(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url: `/_emulator${url}`,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The Atlas error body the control plane answers with for a bad request naming `field`. */
export function invalidControlRequest(field: string, problem: string) {
  return {
    detail: `Invalid ${field}: ${problem}.`,
    error: 400,
    errorCode: 'INVALID_CONTROL_REQUEST',
    parameters: [field],
    reason: 'Bad Request',
  };
}

/** Every list page of every cluster of the default dataset, in both API versions, as raw bytes. */
export async function listSnapshot(
  app: FastifyInstance,
  clusters: [string, string][] = [
    [GROUP, 'Cluster0'],
    [GROUP, 'Cluster1'],
    ['5e2211c17a3e5a48f5497de3', 'Cluster0'],
  ],
): Promise<string[]> {
  const bodies: string[] = [];
  for (const [groupId, cluster] of clusters) {
    for (const version of ['v1.0', 'v2']) {
      for (let pageNum = 1; ; pageNum++) {
        const url = `/api/atlas/${version}/groups/${groupId}/clusters/${cluster}/backupCheckpoints?itemsPerPage=25&pageNum=${pageNum}`;
        const res = await authed(app, { url, headers: version === 'v2' ? { accept: 'application/vnd.atlas.2023-01-01+json' } : {} });
        bodies.push(`${res.statusCode} ${res.headers['content-type']} ${res.body}`);
        if (res.statusCode !== 200 || !json(res).links.some((l: { rel: string }) => l.rel === 'next')) break;
      }
    }
  }
  return bodies;
}

/** A Digest-signed inject() without contract validation: faults answer what the contract does not declare (503). */
export async function signedInject(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const challenge = await app.inject({ url, headers });
  if (challenge.statusCode !== 401) return challenge;
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  return app.inject({ url, headers: { ...headers, authorization: digestHeader({ method: 'GET', uri: url, nonce: nonce! }) } });
}

/** The same over a real connection, with fetch(); `uri` is what the answer signs (the request-target unless given). */
export async function signedFetch(base: string, url: string, uri = url): Promise<Response> {
  const challenge = await fetch(base + url);
  await challenge.arrayBuffer();
  const { nonce } = parseChallenge(String(challenge.headers.get('www-authenticate')));
  return fetch(base + url, { headers: { authorization: digestHeader({ method: 'GET', uri, nonce: nonce! }) } });
}
