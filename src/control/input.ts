import { errors } from '../atlas/errors.js';

// Validation of control-plane input (JSON bodies and query strings): each check throws a
// 400 INVALID_CONTROL_REQUEST naming the field, so a bad request is refused whole.

export type Obj = Record<string, unknown>;

export const invalid = (field: string, problem: string) => errors.invalidControlRequest(field, problem);

export function object(value: unknown, field: string, allowed: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return value as Obj;
}

/** An integer; from a query string, its decimal text. */
export function integer(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw invalid(field, `must be an integer from ${min} to ${max}`);
  return n;
}

export function string(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(field, 'must be a non-empty string');
  return value;
}

/** A boolean; from a query string, `true` or `false`. */
export function boolean(value: unknown, field: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(field, 'must be true or false');
}

export function oneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw invalid(field, `must be one of ${choices.join(', ')}`);
  return value as T;
}
