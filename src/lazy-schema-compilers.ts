import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

// Fastify loads its schema compilers (Ajv and fast-json-stringify, some 110 modules) when an
// instance is created, though no emulator route declares a schema: about a third of the
// start-up CPU time (node --cpu-prof). These factories load the same compilers on first use.

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

// Fastify's own dependencies, resolved from where Fastify is installed.
const fromFastify = createRequire(import.meta.resolve('fastify'));

// `any`: a factory of any signature.
function onFirstUse<F extends (...args: any[]) => unknown>(module: string): F {
  let build: F | undefined;
  return ((...args: Parameters<F>) => (build ??= (fromFastify(module) as () => F)())(...args)) as F;
}

export const lazySchemaCompilers: CompilersFactory = {
  buildValidator: onFirstUse<NonNullable<CompilersFactory['buildValidator']>>('@fastify/ajv-compiler'),
  buildSerializer: onFirstUse<NonNullable<CompilersFactory['buildSerializer']>>('@fastify/fast-json-stringify-compiler'),
};
