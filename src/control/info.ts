import type { FastifyInstance } from 'fastify';
import { ITEM_PATH, LIST_PATH } from '../atlas/routes.js';
import { VERSION } from './health.js';
import { CONTROL_OPENAPI } from './openapi.js';

const API_VERSIONS = ['v1.0', 'v2'] as const;

/** What the emulator does not do as Atlas does (the README's fidelity table has the details). */
const FIDELITY_GAPS = [
  'Only the legacy-backup checkpoints resource is emulated; any other Atlas path answers 404 RESOURCE_NOT_FOUND.',
  "What Atlas answers for a replica set on legacy backup is unconfirmed; the emulator's choice is in the README.",
  'Rate-limit figures for this resource are unconfirmed; a 429 fault rule uses 100 requests per minute in its body.',
  'Control routes (/_emulator/*) are the emulator’s own; Atlas has no such API.',
];

function authMethods(app: FastifyInstance): string[] {
  const methods = ['HTTP Digest (RFC 7616; challenge MD5, qop=auth; answers with SHA-256 and -sess accepted)'];
  if (app.hasRoute({ method: 'POST', url: '/api/oauth/token' })) methods.push('OAuth 2.0 client credentials (Bearer tokens from /api/oauth/token)');
  return methods;
}

/** GET /info: what this emulator serves and how. */
export async function infoRoutes(app: FastifyInstance): Promise<void> {
  const controlRoutes = Object.entries(CONTROL_OPENAPI.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const atlasRoutes = API_VERSIONS.flatMap((version) => [LIST_PATH, ITEM_PATH].map((path) => `GET /api/atlas/${version}${path}`));

  app.get('/info', (_request, reply) => {
    reply.send({
      name: 'atlas-backup-emulator',
      version: VERSION,
      apiVersions: API_VERSIONS,
      v2MediaTypeVersions: ['2023-01-01'],
      authMethods: authMethods(app),
      routes: { atlas: atlasRoutes, control: controlRoutes },
      fidelityGaps: FIDELITY_GAPS,
    });
  });
}
