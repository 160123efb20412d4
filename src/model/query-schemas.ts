import { queryOf } from '../lib/urls.js';
import { ACCEPTS } from '../lib/validation.js';
import { ObjectIdSchema } from './value-schemas.js';
import type { FromSchema } from 'json-schema-to-ts';

// Path and query parameters of the Atlas operations, as route schemas (the handlers' types
// derive from them). Query values (the OpenAPI components pageNum, itemsPerPage,
// includeCount, envelope, pretty) stay text and are matched exactly, as Atlas's Java server
// parses them: "0x10", "1e2" or " 5" are no page numbers (a generic string-to-number
// coercion would take them). A malformed, out-of-range or repeated value is 400
// INVALID_QUERY_PARAMETER naming it (error-handler.ts); unknown parameters are ignored.

/** A pattern for the decimal text of an integer from 1 to `max`, leading zeros allowed, at most 10 digits. */
export function decimalUpTo(max: number): string {
  const digits = String(max);
  // Numbers with fewer digits than max, then those with as many: below max at some position.
  const alternatives = [`[1-9]\\d{0,${digits.length - 2}}`];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const low = i === 0 ? 1 : 0;
    if (d > low) alternatives.push(`${digits.slice(0, i)}[${low}-${d - 1}]${i < digits.length - 1 ? `\\d{${digits.length - 1 - i}}` : ''}`);
  }
  alternatives.push(digits);
  return `^(?=\\d{1,10}$)0*(?:${alternatives.join('|')})$`;
}

const BOOLEAN = '^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$';
const TRUE_OR_FALSE = 'true or false (any case)';
const ENVELOPE = {
  type: 'string',
  pattern: BOOLEAN,
  [ACCEPTS]: TRUE_OR_FALSE,
  default: 'false',
  description: 'Wraps the response in an envelope: {status, content} or {links, results, status, totalCount}.',
} as const;
const PRETTY = {
  type: 'string',
  pattern: BOOLEAN,
  [ACCEPTS]: TRUE_OR_FALSE,
  default: 'false',
  description: 'Pretty-prints the body as Jackson does.',
} as const;

export const ListQuerySchema = {
  type: 'object',
  required: ['pageNum', 'itemsPerPage', 'includeCount', 'envelope', 'pretty'],
  properties: {
    pageNum: {
      type: 'string',
      pattern: decimalUpTo(2 ** 31 - 1),
      [ACCEPTS]: 'a whole number from 1 to 2147483647',
      default: '1',
      description: 'Page to return, from 1.',
    },
    itemsPerPage: {
      type: 'string',
      pattern: decimalUpTo(500),
      [ACCEPTS]: 'a whole number from 1 to 500',
      default: '100',
      description: 'Items per page, 1 to 500.',
    },
    includeCount: {
      type: 'string',
      pattern: BOOLEAN,
      [ACCEPTS]: TRUE_OR_FALSE,
      default: 'true',
      description: 'Whether the response counts every item (totalCount).',
    },
    envelope: ENVELOPE,
    pretty: PRETTY,
  },
} as const;
export const ItemQuerySchema = {
  type: 'object',
  required: ['envelope', 'pretty'],
  properties: { envelope: ENVELOPE, pretty: PRETTY },
} as const;

/** The validated query: every parameter there (defaults filled in), as text. */
export type ListQueryText = FromSchema<typeof ListQuerySchema>;
export type ItemQueryText = FromSchema<typeof ItemQuerySchema>;

export interface ListQuery {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
  envelope: boolean;
  pretty: boolean;
  /** Parameters the client sent, rendered canonically, echoed at the front of the list links. */
  echo: string;
}
export type ItemQuery = Pick<ListQuery, 'envelope' | 'pretty'>;

const isTrue = (text: string) => text.toLowerCase() === 'true';

export function itemQuery(query: ItemQueryText): ItemQuery {
  return { envelope: isTrue(query.envelope), pretty: isTrue(query.pretty) };
}

/** The snapshots list also filters by completion (Atlas: only completed ones unless asked). */
export const SnapshotListQuerySchema = {
  ...ListQuerySchema,
  required: [...ListQuerySchema.required, 'completed'],
  properties: {
    ...ListQuerySchema.properties,
    completed: {
      enum: ['all', 'true', 'false'],
      default: 'true',
      description: 'Completed snapshots (true), incomplete ones (false) or all.',
    },
  },
} as const;
export type SnapshotListQueryText = FromSchema<typeof SnapshotListQuerySchema>;

/** The restore jobs list also filters by batch (the jobs of one sharded cluster restore). */
export const RestoreJobListQuerySchema = {
  ...ListQuerySchema,
  properties: {
    ...ListQuerySchema.properties,
    batchId: { ...ObjectIdSchema, [ACCEPTS]: '24 hexadecimal digits', description: 'Only the jobs of this batch (24 hexadecimal digits).' },
  },
} as const;
export type RestoreJobListQueryText = FromSchema<typeof RestoreJobListQuerySchema>;

// Path parameters: the router gives each as text, so these schemas refuse no request. They
// type the handlers; the Atlas operations check the values in Atlas's order and words
// (operations.ts). The control plane's cluster routes take ClusterParamsSchema too.
const TEXT = { type: 'string' } as const;
export const ClusterParamsSchema = {
  type: 'object',
  required: ['groupId', 'clusterName'],
  properties: { groupId: TEXT, clusterName: TEXT },
} as const;
export type ClusterParams = FromSchema<typeof ClusterParamsSchema>;
export const CheckpointParamsSchema = {
  type: 'object',
  required: [...ClusterParamsSchema.required, 'checkpointId'],
  properties: { ...ClusterParamsSchema.properties, checkpointId: TEXT },
} as const;
export const SnapshotParamsSchema = {
  type: 'object',
  required: [...ClusterParamsSchema.required, 'snapshotId'],
  properties: { ...ClusterParamsSchema.properties, snapshotId: TEXT },
} as const;
export type SnapshotParams = FromSchema<typeof SnapshotParamsSchema>;
export const RestoreJobParamsSchema = {
  type: 'object',
  required: [...ClusterParamsSchema.required, 'jobId'],
  properties: { ...ClusterParamsSchema.properties, jobId: TEXT },
} as const;

/**
 * The Atlas routes' query strings and path parameters, by name, compiled ahead of time
 * (src/generated/query-validators.ts): the first request of a run compiles nothing.
 */
export const PRECOMPILED_PARAMETERS = {
  listQuery: ListQuerySchema,
  itemQuery: ItemQuerySchema,
  snapshotListQuery: SnapshotListQuerySchema,
  restoreJobListQuery: RestoreJobListQuerySchema,
  clusterParams: ClusterParamsSchema,
  checkpointParams: CheckpointParamsSchema,
  snapshotParams: SnapshotParamsSchema,
  restoreJobParams: RestoreJobParamsSchema,
};

/** Parameters echoed at the front of list links when the client sent them, in this (alphabetical) order. */
const ECHOED = ['batchId', 'completed', 'envelope', 'includeCount', 'pretty'] as const;

/** A list's own query parameters besides paging and flags: the snapshots' filter, the restore jobs'. */
export type ListFilterText = { completed?: string; batchId?: string };

/** The validated list query (defaults filled in), with the parameters the request-target itself carries echoed. */
export function listQuery(query: ListQueryText & ListFilterText, url: string): ListQuery {
  const values = {
    pageNum: Number(query.pageNum),
    itemsPerPage: Number(query.itemsPerPage),
    includeCount: isTrue(query.includeCount),
    envelope: isTrue(query.envelope),
    pretty: isTrue(query.pretty),
  };
  const sent = queryOf(url);
  const shown = { ...values, completed: query.completed, batchId: query.batchId };
  const echo = ECHOED.filter((name) => sent.has(name))
    .map((name) => `${name}=${shown[name]}&`)
    .join('');
  return { ...values, echo };
}
