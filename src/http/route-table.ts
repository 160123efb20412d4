import type { FastifyInstance, FastifySchema, HTTPMethods, RouteOptions } from 'fastify';

// Every route of the app as it was registered: the one onRoute recorder. The control plane
// reads it for /_emulator/info (the Atlas operations, the control routes) and to build its
// OpenAPI document.

export interface RecordedRoute {
  /** Its methods, without the HEAD Fastify adds beside a GET. */
  methods: HTTPMethods[];
  url: string;
  schema: FastifySchema | undefined;
  config: RouteOptions['config'];
}

export class RouteTable {
  private readonly routes: RecordedRoute[] = [];

  /** Records the routes of `app` and of every plugin registered into it from now on. */
  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat().filter((method) => method !== 'HEAD') as HTTPMethods[];
      if (methods.length > 0) this.routes.push({ methods, url: route.url, schema: route.schema, config: route.config });
    });
  }

  /** The routes whose URL starts with `prefix`, in the order they were registered. */
  under(prefix: string): RecordedRoute[] {
    return this.routes.filter((route) => route.url.startsWith(prefix));
  }
}
