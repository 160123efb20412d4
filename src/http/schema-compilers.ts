import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Ajv } from 'ajv';
import type { FastifyServerOptions } from 'fastify';
import { PRECOMPILED_PARAMETERS } from '../model/query-schemas.js';
import * as precompiledQueries from '../generated/query-validators.js';
import { createAjv, lazyValidator, precompiledValidator } from '../lib/validation.js';

// How Fastify compiles route schemas. Validation uses the project's own Ajv settings (see
// validation.ts): query strings and path parameters are text, so they are coerced ("5" is
// an integer there); JSON bodies are not. Every schema compiles on first use, not at start:
// a run that never calls a control route never pays for its schemas; the Atlas routes' query
// strings and path parameters, which the first request meets, are compiled ahead of time.
// Serializers (Fastify's fast-json-stringify) compile on first use too.

const PRECOMPILED = new Map<object, unknown>(
  Object.entries(PRECOMPILED_PARAMETERS).map(([name, schema]) => [schema, precompiledQueries[name as keyof typeof PRECOMPILED_PARAMETERS]]),
);

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type BuildSerializer = NonNullable<CompilersFactory['buildSerializer']>;

export const schemaCompilers: CompilersFactory = {
  buildValidator: () => {
    // The Ajv instances too are made on first use: making them is a noticeable part of a start.
    let text: Ajv | undefined;
    let json: Ajv | undefined;
    return ({ schema, httpPart }) => {
      const ready = httpPart === 'querystring' || httpPart === 'params' ? PRECOMPILED.get(schema as object) : undefined;
      return ready
        ? precompiledValidator(ready)
        : lazyValidator(() => (httpPart === 'body' ? (json ??= createAjv()) : (text ??= createAjv({ coerce: true }))).compile(schema));
    };
  },
  buildSerializer: (...args: Parameters<BuildSerializer>) => {
    let build: ReturnType<BuildSerializer> | undefined;
    return (routeSchema) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => {
        build ??= (SerializerSelector() as BuildSerializer)(...args);
        serialize ??= build(routeSchema);
        return serialize(data);
      };
    };
  },
};
