import type { FastifyInstance, FastifySchema, RouteHandlerMethod } from 'fastify';
import { pathOf } from '../lib/urls.js';
import { sendAtlasError } from '../http/error-handler.js';
import { errors } from '../model/errors.js';
import type { ApiVersion } from '../model/links.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** On an Atlas operation: the API version it is served under (it is also rate-limited per project). */
    apiVersion?: ApiVersion;
    /** On a list operation: requests have a pageNum (a fault rule may match it). */
    paged?: boolean;
  }
}

export interface Operation {
  handler: RouteHandlerMethod;
  schema?: FastifySchema;
  paged?: boolean;
}

/**
 * One Atlas resource: its operations by method, and for every other method Fastify routes, a
 * 405 naming the allowed ones (Jersey's answer, in Atlas's body: a choice, see the fidelity
 * docs). The router alone decides which resource and operation a request is.
 */
export function resource(app: FastifyInstance, version: ApiVersion, url: string, operations: Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Operation>>): void {
  const declared = Object.keys(operations);
  for (const [method, operation] of Object.entries(operations)) {
    app.route({ method, url, schema: operation.schema, config: { apiVersion: version, paged: operation.paged ?? false }, handler: operation.handler });
  }
  // GET brings HEAD with it (Fastify answers HEAD from the GET route).
  const allowed = declared.includes('GET') ? [...declared, 'HEAD'] : declared;
  const others = app.supportedMethods.filter((method) => !allowed.includes(method));
  app.route({
    method: others,
    url,
    config: { apiVersion: version },
    handler: (request, reply) => {
      sendAtlasError(reply, errors.methodNotAllowed(request.method, pathOf(request.url), allowed));
    },
  });
}
