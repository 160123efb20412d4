import type {
  ContextConfigDefault,
  FastifyInstance,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
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

/** A handler whose request parts (params, query string, body) have the types its route schema gives them. */
type TypedHandler<S extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  S,
  JsonSchemaToTsProvider
>;

/** One operation of a resource, registered under the resource's URL for one method. */
export interface Operation {
  register(app: FastifyInstance, method: string, url: string, apiVersion: ApiVersion): void;
}

/** An operation: its route schema, and its handler typed by that schema; `paged` marks a list (a fault rule may match its pageNum). */
export function operation<S extends FastifySchema>(schema: S, handler: TypedHandler<S>, { paged = false } = {}): Operation {
  return {
    register(app, method, url, apiVersion) {
      app.withTypeProvider<JsonSchemaToTsProvider>().route({ method, url, schema, config: { apiVersion, paged }, handler });
    },
  };
}

/**
 * One Atlas resource: its operations by method, and for every other method Fastify routes, a
 * 405 naming the allowed ones (Jersey's answer, in Atlas's body: a choice, see the fidelity
 * docs). The router alone decides which resource and operation a request is.
 */
export function resource(
  app: FastifyInstance,
  version: ApiVersion,
  url: string,
  operations: Partial<Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Operation>>,
): void {
  const declared = Object.keys(operations);
  for (const [method, declaredOperation] of Object.entries(operations)) declaredOperation.register(app, method, url, version);
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
