// The parts of a request-target (`/path?query`).

/** The path, without the query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The query string's parameters, in the order sent (empty without a query string). */
export function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/**
 * One field of a parsed part of a request (its params or query), read in a hook: hooks run
 * for every route and before validation, so the part has no type there.
 */
export function fieldOf(part: unknown, name: string): unknown {
  return typeof part === 'object' && part !== null ? Reflect.get(part, name) : undefined;
}
