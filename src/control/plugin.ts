import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '../lib/hashing.js';
import { answerNotFound, sendAtlasError, toAtlasError } from '../http/error-handler.js';
import { errors } from '../model/errors.js';
import { clockRoutes } from './clock-routes.js';
import { dataRoutes } from './data-routes.js';
import { faultRoutes } from './fault-routes.js';
import { healthRoutes } from './health.js';
import { infoRoutes } from './info.js';
import { controlError } from '../model/control-input.js';
import { journalRoutes } from './journal-routes.js';
import { OpenApiDocument } from './openapi.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A control route open without the admin token (health and readiness). */
    adminTokenExempt?: boolean;
  }
}

// The control plane under /_emulator/: the emulator's own API, outside Atlas authentication,
// neither journaled nor faulted (it is registered outside the context that does both). Its
// OpenAPI document is generated from the routes' schemas.

/** Body problems Fastify finds before a route runs, named as the field they concern. */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'is empty',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'must be application/json',
};
const PARTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path' };

export interface ControlPlaneOptions {
  /** Plugins served beside the control routes, under their prefix and admin-token rule (the inspector). */
  extensions: FastifyPluginAsync[];
}

export async function controlPlane(app: FastifyInstance, { extensions }: ControlPlaneOptions): Promise<void> {
  const openapi = new OpenApiDocument(() => app.emulator.routes.under(app.prefix));

  const { adminToken } = app.emulator.config;
  if (adminToken !== undefined) {
    // Compared as digests: constant time whatever the lengths.
    const expected = sha256(`Bearer ${adminToken}`);
    app.addHook('onRequest', (request, reply, done) => {
      const given = request.headers.authorization;
      if (request.routeOptions.config.adminTokenExempt || (given !== undefined && timingSafeEqual(sha256(given), expected))) return done();
      sendAtlasError(reply, errors.adminTokenRequired());
    });
  }
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return sendAtlasError(reply, controlError(error.validation, PARTS[error.validationContext ?? 'body'] ?? 'body'));
    const problem = BODY_ERRORS[error.code];
    sendAtlasError(reply, problem === undefined ? toAtlasError(error, request) : errors.invalidControlRequest('body', problem));
  });
  app.setNotFoundHandler(answerNotFound);

  app.get('/openapi.json', { schema: { summary: 'This document (OpenAPI 3.1).' } }, async () => openapi.get());
  app.register(healthRoutes);
  app.register(infoRoutes, { controlRoutes: () => openapi.operations() });
  app.register(dataRoutes);
  app.register(journalRoutes);
  app.register(faultRoutes);
  app.register(clockRoutes);
  for (const extension of extensions) app.register(extension);
}
