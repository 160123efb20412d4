import { _, Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isAccessListEntry } from './access-list.js';

// Every input is checked by Ajv against its one schema (options, fixture documents, control
// bodies and queries, API bodies); this module builds the validators and turns Ajv's first
// error into words a user can act on: where (a path) and what is expected, read off the schema.

/** The annotation naming, for error messages, what a patterned value must be. */
export const ACCEPTS = 'x-accepts';
/** The annotation giving an option's flag when its key's is not it (a list `clusters` given as --cluster). */
export const FLAG = 'x-flag';
/** The annotation giving an option's environment variable when its key's is not it. */
export const ENV = 'x-env';

/** A path into a value: property names and array indices. */
export type Path = (string | number)[];

export interface Problem {
  path: Path;
  problem: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
}

/** The string formats the schemas use (the precompiled validators of src/generated/ read them here too). */
export const FORMATS = {
  'date-time': fullFormats['date-time'],
  uri: fullFormats.uri,
  uuid: fullFormats.uuid,
  'ip-or-cidr': isAccessListEntry,
};

export interface ValidatorOptions {
  /** Query strings: "5" may be an integer, "true" a boolean, a single value an array of one. */
  coerce?: boolean;
  /** Keeps the generated code, for Ajv standalone (test/tools/generated-docs.ts). */
  source?: boolean;
}

/**
 * An Ajv instance for the project's schemas: the first error only, verbose errors (the
 * failing schema is what the message is made from), defaults filled in, nothing removed
 * silently (an unknown field is an error), tagged unions by their `discriminator`.
 */
export function createAjv({ coerce = false, source = false }: ValidatorOptions = {}): Ajv {
  const options: Options = {
    allErrors: false,
    verbose: true,
    useDefaults: true,
    removeAdditional: false,
    coerceTypes: coerce ? 'array' : false,
    discriminator: true,
    allowUnionTypes: true,
    strict: true,
    // The schemas are the project's own: test/schemas.test.ts checks each against the
    // meta-schema once, instead of every start; strict mode still refuses unknown keywords.
    validateSchema: false,
    // Validators are compiled at start-up (options, fixtures) and on a route's first request:
    // Ajv's code optimizer made compiling them a third slower for no measurable gain per call.
    code: { optimize: false, ...(source && { source: true, esm: true, formats: _`formats` }) },
  };
  const ajv = new Ajv(options);
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  // Annotations: what a value must be, in words, where its description says what it means
  // instead; an option's flag and variable where they are not its key's.
  for (const keyword of [ACCEPTS, FLAG, ENV]) ajv.addKeyword({ keyword, schemaType: 'string' });
  return ajv;
}

/** A validator of src/generated/validators.ts (an untyped file) as what it is. */
export const precompiledValidator = (validate: unknown): ValidateFunction => validate as ValidateFunction;

/** Compiles on first use: most schemas are never needed by a given run, and compiling costs start-up time. */
export function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let validate: ValidateFunction | undefined;
  const lazy = ((data: unknown) => {
    validate ??= compile();
    const ok = validate(data);
    lazy.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  return lazy;
}

/** The path of an Ajv error as segments (`/projects/0/name` -> ['projects', 0, 'name']). */
function pathOf(error: ErrorObject): Path {
  if (error.instancePath === '') return [];
  return error.instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(?:0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

type SchemaNode = Record<string, unknown>;

function range(min: unknown, max: unknown): string {
  if (typeof min === 'number' && typeof max === 'number') return ` from ${min} to ${max}`;
  if (typeof min === 'number') return ` of at least ${min}`;
  if (typeof max === 'number') return ` of at most ${max}`;
  return '';
}

/** What a schema accepts, in words: "an integer from 0 to 65535", "one of a, b", its description. */
export function expected(schema: SchemaNode): string {
  if (typeof schema[ACCEPTS] === 'string') return schema[ACCEPTS];
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.join(', ')}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (
    typeof schema.description === 'string' &&
    (schema.pattern !== undefined || schema.format !== undefined || schema.anyOf !== undefined)
  ) {
    return schema.description;
  }
  switch (schema.type) {
    case 'integer':
      return `an integer${range(schema.minimum, schema.maximum)}`;
    case 'number':
      if (schema.exclusiveMinimum !== undefined && schema.maximum !== undefined)
        return `a number in (${schema.exclusiveMinimum}, ${schema.maximum}]`;
      return `a number${range(schema.minimum, schema.maximum)}`;
    case 'string':
      return schema.minLength === 1 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return schema.maxItems === undefined ? 'an array' : `an array of at most ${schema.maxItems} items`;
    case 'object':
      return 'an object';
    default:
      return typeof schema.description === 'string' ? schema.description : 'a valid value';
  }
}

/** The tag values a discriminated union accepts, from its branches. */
function tagValues(schema: SchemaNode, tag: string): string[] {
  const branches = (schema.oneOf ?? []) as SchemaNode[];
  return branches.map((branch) => String((branch.properties as Record<string, SchemaNode>)[tag]!.const));
}

/**
 * For a value that matches no branch of an anyOf, the errors of the branch meant for its JSON
 * type (an array for the array branch): "projects[2] must be an id" says more than "must be
 * '*' or an array".
 */
function branchFor(errors: ErrorObject[], union: ErrorObject): ErrorObject | undefined {
  const branches = ((union.parentSchema as SchemaNode).anyOf ?? []) as SchemaNode[];
  const kind = Array.isArray(union.data) ? 'array' : union.data === null ? 'null' : typeof union.data;
  // Only a container has inner places worth naming; a wrong scalar is told what the union accepts.
  if (kind !== 'array' && kind !== 'object') return undefined;
  const index = branches.findIndex((branch) => branch.type === kind);
  if (index < 0) return undefined;
  const prefix = `${union.schemaPath}/${index}/`;
  return errors.find((error) => error.schemaPath.startsWith(prefix) && error.keyword !== 'type');
}

/** The first problem among Ajv's errors, as a path and a phrase. */
export function describeErrors(errors: ErrorObject[]): Problem {
  let error = errors[0]!;
  const union = errors.find((e) => e.keyword === 'anyOf');
  if (union) error = branchFor(errors, union) ?? union;
  const path = pathOf(error);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const { keyword } = error;
  switch (keyword) {
    case 'required':
      return { path: [...path, error.params.missingProperty as string], problem: 'is required', keyword };
    case 'additionalProperties': {
      const allowed = Object.keys((schema.properties ?? {}) as object).join(', ');
      return { path: [...path, error.params.additionalProperty as string], problem: `unknown field (allowed: ${allowed})`, keyword };
    }
    case 'discriminator': {
      const tag = error.params.tag as string;
      return { path: [...path, tag], problem: `must be one of ${tagValues(schema, tag).join(', ')}`, keyword };
    }
    default:
      return { path, problem: `must be ${expected(schema)}`, keyword };
  }
}

/** `$.projects[0].clusters[1].name`: a path as JSONPath, the way fixture errors name places. */
export function jsonPath(path: Path): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`), '$');
}
