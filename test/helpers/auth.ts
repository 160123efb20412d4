import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type EmulatorOptions } from '../../src/model/options.js';
import type { FixtureDocument } from '../../src/model/fixture-schema.js';
import { GROUP, GROUP2, testConfig, TestClock } from './test-app.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

// Plumbing shared by the auth tests: credentials declared the way users declare them, the
// OAuth token request written from RFC 6749 (the library flow lives in oauth-client.test.ts),
// and a listening server on a loopback address.

export const CLIENT_ID = DEFAULT_CLIENT_ID;
export const CLIENT_SECRET = DEFAULT_CLIENT_SECRET;
export const FORM = 'application/x-www-form-urlencoded';

/** Credentials with partial access: a key and an account for GROUP only, and access-listed ones. */
export const CREDENTIALS: FixtureDocument = {
  projects: [],
  apiKeys: [
    { publicKey: 'groupone', privateKey: 'group-one-private-key-1234', projects: [GROUP] },
    { publicKey: 'loopback4', privateKey: 'loopback4-private-key-5678', projects: '*', accessList: ['127.0.0.0/8'] },
    { publicKey: 'loopback6', privateKey: 'loopback6-private-key-9012', projects: '*', accessList: ['::1/128'] },
    { publicKey: 'elsewhere', privateKey: 'elsewhere-private-key-3456', projects: '*', accessList: ['192.0.2.0/24', '2001:db8::/32'] },
  ],
  serviceAccounts: [
    { clientId: 'mdb_sa_id_groupone', clientSecret: 'mdb_sa_sk_groupone-secret', projects: [GROUP2] },
    { clientId: 'mdb_sa_id_elsewhere', clientSecret: 'mdb_sa_sk_elsewhere-secret', projects: '*', accessList: ['198.51.100.7'] },
  ],
};

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export function tokenRequest(
  app: FastifyInstance,
  body = 'grant_type=client_credentials',
  authorization = basic(CLIENT_ID, CLIENT_SECRET),
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/oauth/token', headers: { authorization, 'content-type': FORM }, payload: body });
}

export async function tokenOf(app: FastifyInstance, id = CLIENT_ID, secret = CLIENT_SECRET): Promise<string> {
  const res = await tokenRequest(app, 'grant_type=client_credentials', basic(id, secret));
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

/** Listens on a loopback address and port 0; the base URL (IPv6 in brackets). */
export async function listen(app: FastifyInstance, host = '127.0.0.1'): Promise<string> {
  await app.listen({ host, port: 0 });
  const { port } = app.server.address() as { port: number };
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface LoggedApp {
  app: FastifyInstance;
  /** Every log line so far, raw. */
  raw: string[];
  /** The machine-readable refusal reasons logged so far, in order. */
  reasons(): string[];
}

/** An app whose log lines (level info) are captured instead of printed, on a clock the test moves. */
export function buildLoggedApp(t: Teardown, overrides: EmulatorOptions = {}, clock = new TestClock()): LoggedApp {
  const raw: string[] = [];
  const app = buildApp(testConfig({ logLevel: 'info', ...overrides }), {
    logStream: { write: (line: string) => void raw.push(line) },
    clock,
  });
  t.teardown(() => app.close());
  return {
    app,
    raw,
    reasons: () =>
      raw.map((line) => (JSON.parse(line) as { authFailure?: string }).authFailure).filter((r): r is string => r !== undefined),
  };
}
