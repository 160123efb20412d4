import { _, Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isAccessListEntry } from './access-list.js';

// Every input is checked by Ajv against its one schema (options, fixture documents, control
// bodies and queries, API bodies); this module builds the validators and turns Ajv's errors
// into words a user can act on: where (a path) and what is expected, read off the schema.

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
  /** The value found there (undefined when the problem is a field's absence or its name). */
  value?: unknown;
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
  /** Every error, not only the first (fixture documents: a refusal lists all their mistakes). */
  allErrors?: boolean;
}

/**
 * An Ajv instance for the project's schemas: the first error only unless asked, verbose
 * errors (the failing schema is what the message is made from), defaults filled in, nothing
 * removed silently (an unknown field is an error), tagged unions by their `discriminator`.
 */
export function createAjv({ coerce = false, source = false, allErrors = false }: ValidatorOptions = {}): Ajv {
  const options: Options = {
    allErrors,
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

/** A validator of src/generated/ (untyped files) as what it is. */
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

/** Whether an error is about the value at `instancePath` or inside it. */
const isWithin = (error: ErrorObject, instancePath: string) =>
  error.instancePath === instancePath || error.instancePath.startsWith(`${instancePath}/`);

/**
 * For a value that matches no branch of an anyOf, the errors of the branch meant for its JSON
 * type (an array for the array branch): "projects[2] must be an id" says more than "must be
 * '*' or an array". None when there is no such branch or it has nothing to name.
 */
function branchErrors(errors: ErrorObject[], union: ErrorObject): ErrorObject[] {
  const branches = ((union.parentSchema as SchemaNode).anyOf ?? []) as SchemaNode[];
  const kind = Array.isArray(union.data) ? 'array' : union.data === null ? 'null' : typeof union.data;
  // Only a container has inner places worth naming; a wrong scalar is told what the union accepts.
  if (kind !== 'array' && kind !== 'object') return [];
  const index = branches.findIndex((branch) => branch.type === kind);
  if (index < 0) return [];
  const prefix = `${union.schemaPath}/${index}/`;
  return errors.filter((error) => error.schemaPath.startsWith(prefix) && isWithin(error, union.instancePath) && error.keyword !== 'type');
}

/** One Ajv error as a path and a phrase. */
function describeError(error: ErrorObject): Problem {
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
      const value = (error.data as Record<string, unknown> | null)?.[tag];
      return { path: [...path, tag], problem: `must be one of ${tagValues(schema, tag).join(', ')}`, keyword, value };
    }
    default:
      return { path, problem: `must be ${expected(schema)}`, keyword, value: error.data };
  }
}

/**
 * Every problem among Ajv's errors (all of them with `allErrors`), in Ajv's order, one per
 * place: a failed anyOf is one problem (its branch's, or what the union accepts), and a value
 * that fails two keywords (a pattern and a format) is named once.
 */
export function describeAllErrors(errors: ErrorObject[]): Problem[] {
  const unions = errors.filter((error) => error.keyword === 'anyOf');
  const problems: Problem[] = [];
  const places = new Set<string>();
  for (const error of errors) {
    if (unions.some((union) => error.schemaPath.startsWith(`${union.schemaPath}/`) && isWithin(error, union.instancePath))) continue;
    const branch = error.keyword === 'anyOf' ? branchErrors(errors, error) : [];
    for (const problem of (branch.length > 0 ? branch : [error]).map(describeError)) {
      const place = JSON.stringify(problem.path);
      if (places.has(place)) continue;
      places.add(place);
      problems.push(problem);
    }
  }
  return problems;
}

/** The first problem among Ajv's errors, as a path and a phrase. */
export function describeErrors(errors: ErrorObject[]): Problem {
  return describeAllErrors(errors)[0]!;
}

/** `$.projects[0].clusters[1].name`: a path as JSONPath, the way fixture errors name places. */
export function jsonPath(path: Path): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`), '$');
}
