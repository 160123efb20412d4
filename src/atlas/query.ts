import { errors } from './errors.js';

// Query parameters of the checkpoint operations (the OpenAPI components pageNum,
// itemsPerPage, includeCount, envelope, pretty). A malformed, out-of-range or repeated
// value is 400 INVALID_QUERY_PARAMETER naming it; unknown parameters are ignored.

export interface ListQuery {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
  envelope: boolean;
  pretty: boolean;
  /** Flags the client sent, rendered canonically, echoed at the front of the list links. */
  echo: string;
}
export type ItemQuery = Pick<ListQuery, 'envelope' | 'pretty'>;

const INT32_MAX = 2 ** 31 - 1;
const LIST_PARAMS = new Set(['envelope', 'includeCount', 'itemsPerPage', 'pageNum', 'pretty']);
const ITEM_PARAMS = new Set(['envelope', 'pretty']);

function collect(search: string, known: Set<string>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(search)) {
    if (!known.has(name)) continue;
    if (values.has(name)) throw errors.invalidQueryParameter(name);
    values.set(name, value);
  }
  return values;
}

function integer(values: Map<string, string>, name: string, fallback: number, max: number): number {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw errors.invalidQueryParameter(name);
  return Number(raw);
}

function flag(values: Map<string, string>, name: string, fallback: boolean): boolean {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw errors.invalidQueryParameter(name);
  return lower === 'true';
}

function queryString(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

export function parseListQuery(url: string): ListQuery {
  const values = collect(queryString(url), LIST_PARAMS);
  const query = {
    pageNum: integer(values, 'pageNum', 1, INT32_MAX),
    itemsPerPage: integer(values, 'itemsPerPage', 100, 500),
    includeCount: flag(values, 'includeCount', true),
    envelope: flag(values, 'envelope', false),
    pretty: flag(values, 'pretty', false),
  };
  const echo = (['envelope', 'includeCount', 'pretty'] as const)
    .filter((name) => values.has(name))
    .map((name) => `${name}=${query[name]}&`)
    .join('');
  return { ...query, echo };
}

export function parseItemQuery(url: string): ItemQuery {
  const values = collect(queryString(url), ITEM_PARAMS);
  return { envelope: flag(values, 'envelope', false), pretty: flag(values, 'pretty', false) };
}
