import type { FastifyError, FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { sendAtlasError, toAtlasError } from '../atlas/error-handler.js';
import { errors } from '../atlas/errors.js';
import { dataRoutes } from './data-routes.js';
import { faultRoutes } from './fault-routes.js';
import { healthRoutes } from './health.js';
import { infoRoutes } from './info.js';
import { journalRoutes } from './journal-routes.js';
import { CONTROL_OPENAPI } from './openapi.js';

// The control plane under /_emulator/, outside Atlas auth (src/auth/plugin.ts isPublicPath).

/** Health and readiness stay open for Docker HEALTHCHECKs and wait strategies. */
const OPEN_ROUTES = new Set(['/_emulator/health', '/_emulator/ready']);

/** Body problems Fastify finds before a route runs, named as the field they concern. */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'is empty',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'must be application/json',
};

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export async function controlPlane(app: FastifyInstance): Promise<void> {
  const { adminToken } = app.emulator.config;
  if (adminToken !== undefined) {
    // Compared as digests: constant time whatever the lengths.
    const expected = digest(`Bearer ${adminToken}`);
    app.addHook('onRequest', (request, reply, done) => {
      const given = request.headers.authorization;
      if (OPEN_ROUTES.has(request.routeOptions.url ?? '') || (given !== undefined && timingSafeEqual(digest(given), expected))) return done();
      sendAtlasError(reply, errors.adminTokenRequired());
    });
  }
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = BODY_ERRORS[error.code];
    sendAtlasError(reply, problem === undefined ? toAtlasError(error, request) : errors.invalidControlRequest('body', problem));
  });

  app.register(healthRoutes);
  app.get('/openapi.json', (_request, reply) => {
    reply.send(CONTROL_OPENAPI);
  });
  app.register(infoRoutes);
  app.register(dataRoutes);
  app.register(journalRoutes);
  app.register(faultRoutes);
}
