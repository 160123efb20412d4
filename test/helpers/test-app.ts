import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { EmulatorClock } from '../../src/lib/clock.js';
import { DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, resolveConfig, type Config, type EmulatorOptions } from '../../src/model/options.js';
import { exportDocument as exportChunks, loadFixture, resetEmulator } from '../../src/control/emulator-control.js';
import { objectSource } from '../../src/fixtures/fixture-loader.js';
import type { FixtureDocument } from '../../src/model/fixture-schema.js';
import type { LoadMode, StoreCounts } from '../../src/store/store.js';
import { contractProblems, requestProblems } from './openapi-contract.js';

// Shared test plumbing: an app on an in-memory store, an independent Digest client (written
// from RFC 7616, not from src/auth), and contract validation of every response it returns.

export const GROUP = '6b8cd3c380eef5349ef77af7';
export const GROUP2 = '5e2211c17a3e5a48f5497de3';
export const CLUSTER0 = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`;
export const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json';
export const PUBLIC_KEY = DEFAULT_PUBLIC_KEY;
export const PRIVATE_KEY = DEFAULT_PRIVATE_KEY;

/** The inspector tests' live project: one sharded Legacy Backup cluster, Live, live since `liveFrom`. */
export const LIVE = '7a7a7a7a7a7a7a7a7a7a7a7a';
export const liveFixture = (liveFrom: string) => ({
  projects: [
    {
      id: LIVE,
      name: 'LiveProject',
      clusters: [
        { name: 'Live', clusterId: '7b7b7b7b7b7b7b7b7b7b7b7b', type: 'SHARDED', shards: 2, backup: 'LEGACY', live: true, liveFrom },
      ],
    },
  ],
});

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A frozen emulator clock a test moves by hand: expiry is tested by moving it, never by sleeping. */
export class TestClock extends EmulatorClock {
  constructor(start = Date.UTC(2026, 0, 1)) {
    super(start);
  }
}

export function testConfig(overrides: EmulatorOptions = {}): Config {
  return resolveConfig({ logLevel: 'silent', port: 0 }, overrides);
}

export function buildTestApp(t: Teardown, overrides: EmulatorOptions = {}, options: BuildOptions = {}): FastifyInstance {
  const app = buildApp(testConfig(overrides), options);
  t.teardown(() => app.close());
  return app;
}

export type DigestAlgorithmName = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export function parseChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[m[1]!] = m[2] ?? m[3]!;
  return params;
}

export interface DigestInput {
  method: string;
  uri: string;
  nonce: string;
  username?: string;
  password?: string;
  realm?: string;
  nc?: number;
  cnonce?: string;
  algorithm?: DigestAlgorithmName;
}

/** An Authorization header computed the RFC 7616 way. */
export function digestHeader(input: DigestInput): string {
  const { method, uri, nonce, username = PUBLIC_KEY, password = PRIVATE_KEY, realm = 'MMS Public API', algorithm = 'MD5' } = input;
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const h = (s: string) =>
    createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
      .update(s)
      .digest('hex');
  let ha1 = h(`${username}:${realm}:${password}`);
  if (algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const response = h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${h(`${method}:${uri}`)}`);
  return `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

export interface Call {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  /** A request body: an object is sent as JSON. */
  payload?: string | object;
  /**
   * The body carries fields the contract marks readOnly, on purpose (a read-modify-write round
   * trip, or a refusal test); without it such a body fails the test, and with it a body without
   * them does.
   */
  sendsReadOnly?: true;
}

/** Checks a response against the contract; throws with the problems when it does not conform. */
export function assertContract(
  url: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  method = 'GET',
): void {
  const problems = contractProblems(url, res.statusCode, res.headers['content-type'] as string | undefined, res.body, method);
  if (problems.length > 0)
    throw new Error(`response to ${url} breaks the OpenAPI contract:\n${problems.join('\n')}\n${res.body.slice(0, 300)}`);
}

/** inject() plus contract validation of the response. */
export async function send(app: FastifyInstance, call: Call): Promise<LightMyRequestResponse> {
  if (call.url.startsWith('/api/atlas/')) {
    const problems = requestProblems(call.method ?? 'GET', call.url, call.payload);
    if (call.sendsReadOnly && problems.length === 0)
      throw new Error(`request ${call.method} ${call.url} is marked sendsReadOnly but carries no readOnly field`);
    if (!call.sendsReadOnly && problems.length > 0)
      throw new Error(`request ${call.method} ${call.url} breaks the OpenAPI contract:\n${problems.join('\n')}`);
  }
  const res = await app.inject({ method: call.method ?? 'GET', url: call.url, headers: call.headers, payload: call.payload });
  if (call.url.startsWith('/api/atlas/') && call.method !== 'HEAD') assertContract(call.url, res, call.method);
  return res;
}

/** The Go clients' pattern: an unauthenticated call for the challenge, then the signed call. */
export async function authed(app: FastifyInstance, call: Call, digest: Partial<DigestInput> = {}): Promise<LightMyRequestResponse> {
  const challenge = await send(app, call);
  if (challenge.statusCode !== 401) throw new Error(`expected a 401 challenge, got ${challenge.statusCode}`);
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  const authorization = digestHeader({ method: call.method ?? 'GET', uri: call.url, nonce: nonce!, ...digest });
  return send(app, { ...call, headers: { ...call.headers, authorization } });
}

export function json<T = any>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}

/** Loads a fixture document the way the control plane and the in-process API do (merge by default). */
export function load(app: FastifyInstance, document: unknown, mode: LoadMode = 'merge'): StoreCounts {
  return loadFixture(app.emulator, objectSource(document), mode);
}

/** Back to the start-up dataset, as a data reset does. */
export function reloadStartup(app: FastifyInstance): void {
  resetEmulator(app.emulator, 'data');
}

/** The state as the export writes it. */
export function exportDocument(app: FastifyInstance): FixtureDocument {
  return JSON.parse([...exportChunks(app.emulator)].join('')) as FixtureDocument;
}
