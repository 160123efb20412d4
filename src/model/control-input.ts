import { errors } from './errors.js';
import { createAjv, describeErrors, lazyValidator, type Path } from '../lib/validation.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

// Control-plane input outside a route (the in-process API) is checked against the same
// schemas as the routes, and refused in the same words: a 400 INVALID_CONTROL_REQUEST
// naming the field.

export const invalid = (field: string, problem: string) => errors.invalidControlRequest(field, problem);

/** The field a problem concerns, as the control plane names it: `effect.status`, `query.colour` (unknown), `body`. */
export function controlError(validationErrors: ErrorObject[], part: string) {
  const { path, problem, keyword } = describeErrors(validationErrors);
  if (path.length === 0) return invalid(part, problem);
  const field = fieldName(path);
  return invalid(keyword === 'additionalProperties' && path.length === 1 ? `${part}.${field}` : field, problem);
}

function fieldName(path: Path): string {
  return path.reduce<string>(
    (text, segment, i) => (typeof segment === 'number' ? `${text}[${segment}]` : i === 0 ? segment : `${text}.${segment}`),
    '',
  );
}

const ajv = createAjv();
const validators = new WeakMap<object, ValidateFunction>();

/** Validates (filling in defaults) or throws the control plane's 400. */
export function checkInput<T>(schema: object, value: unknown, part: string): T {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = lazyValidator(() => ajv.compile(schema))));
  if (!validate(value)) throw controlError(validate.errors!, part);
  return value as T;
}
