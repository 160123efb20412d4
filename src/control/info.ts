import type { FastifyInstance } from 'fastify';
import { API_VERSIONS } from '../model/links.js';
import { VERSION } from '../lib/package-root.js';
import { controlSchema, InfoSchema } from '../model/control-schemas.js';

/** What the emulator does not do as Atlas does (docs/fidelity.md has the details). */
const FIDELITY_GAPS = [
  'Only the eleven Legacy Backup operations are emulated; any other Atlas path answers 404 RESOURCE_NOT_FOUND.',
  'Snapshots and checkpoints are records only: restore jobs report download URLs that the emulator does not serve.',
  "What Atlas answers for a replica set on legacy backup is unconfirmed; the emulator's choice is in docs/fidelity.md.",
  'Rate-limit figures for these operations are unconfirmed; a 429 fault rule uses 100 requests per minute in its body.',
  'Time runs on the emulator clock (ATLAS_EMU_CLOCK, POST /_emulator/clock), not necessarily the time of day.',
  'Restore jobs always finish (after 10 minutes of emulator time); downloads are not counted against maxDownloads.',
  'Control routes (/_emulator/*) are the emulator’s own; Atlas has no such API.',
];

function authMethods(app: FastifyInstance): string[] {
  const methods = ['HTTP Digest (RFC 7616; challenge MD5, qop=auth; answers with SHA-256 and -sess accepted)'];
  if (app.hasRoute({ method: 'POST', url: '/api/oauth/token' }))
    methods.push('OAuth 2.0 client credentials (Bearer tokens from /api/oauth/token)');
  return methods;
}

/**
 * The Atlas operations served ("GET /api/atlas/v2/groups/:groupId/..."): the routes of one
 * method that serve an API version (a resource's 405 route answers every other method; it is
 * no operation).
 */
function atlasOperations(app: FastifyInstance): string[] {
  return app.emulator.routes
    .under('/api/atlas/')
    .filter((route) => route.config?.apiVersion !== undefined && route.methods.length === 1)
    .map((route) => `${route.methods[0]} ${route.url}`);
}

/** GET /info: what this emulator serves and how. */
export async function infoRoutes(app: FastifyInstance, { controlRoutes }: { controlRoutes: () => string[] }): Promise<void> {
  const summary = 'Version, API versions, auth methods, routes and known fidelity gaps.';
  app.get('/info', controlSchema({ summary, ok: { 200: InfoSchema } }), (_request, reply) => {
    reply.send({
      name: 'atlas-backup-emulator',
      version: VERSION,
      apiVersions: API_VERSIONS,
      v2MediaTypeVersions: ['2023-01-01'],
      authMethods: authMethods(app),
      routes: { atlas: atlasOperations(app), control: controlRoutes() },
      fidelityGaps: FIDELITY_GAPS,
    });
  });
}
