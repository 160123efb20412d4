import type { FastifySchema } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { DateTimeSchema } from './value-schemas.js';
import { FixtureDocumentSchema } from './fixture-schema.js';
import { ACCEPTS } from '../lib/validation.js';

// The control plane's inputs and outputs, one JSON Schema each. Routes validate with them,
// the in-process API validates with the same ones, the types below are derived from them, and
// the control plane's OpenAPI is generated from the routes that carry them.

const STRING = { type: 'string' } as const;
const INTEGER = { type: 'integer' } as const;
const pathPattern = (of: string) =>
  ({
    type: 'string',
    pattern: '^/',
    description: `a path pattern starting with / (the ${of}; * matches within a segment, ** across segments)`,
  }) as const;

export const ErrorSchema = {
  type: 'object',
  description: 'The Atlas error body. INVALID_CONTROL_REQUEST names the field in `parameters`.',
  required: ['detail', 'error', 'errorCode', 'parameters', 'reason'],
  properties: { detail: STRING, error: INTEGER, errorCode: STRING, parameters: { type: 'array', items: STRING }, reason: STRING },
} as const;
export const CountsSchema = {
  type: 'object',
  required: ['projects', 'clusters', 'checkpoints'],
  properties: { projects: INTEGER, clusters: INTEGER, checkpoints: INTEGER },
} as const;

export const RESET_SCOPES = ['all', 'data', 'journal', 'faults', 'clock'] as const;
export type ResetScope = (typeof RESET_SCOPES)[number];
const ResetScopeSchema = { enum: RESET_SCOPES, description: 'all (default), data, journal, faults or clock' } as const;
export const ResetQuerySchema = { type: 'object', additionalProperties: false, properties: { scope: ResetScopeSchema } } as const;
export const ResetBodySchema = { ...ResetQuerySchema, description: 'The scope may come here instead of the query string.' } as const;
export const ResetResultSchema = {
  type: 'object',
  required: ['scope', 'counts'],
  properties: { scope: ResetScopeSchema, counts: CountsSchema },
} as const;

export const LOAD_MODES = ['merge', 'replace'] as const;
export const LoadQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode'],
  properties: {
    mode: {
      enum: LOAD_MODES,
      default: 'merge',
      description: 'merge (default: upsert projects, clusters and credentials, merge checkpoints by id) or replace',
    },
  },
} as const;
export const LoadResultSchema = {
  type: 'object',
  required: ['mode', 'counts'],
  properties: { mode: { enum: LOAD_MODES }, counts: CountsSchema },
} as const;
export { FixtureDocumentSchema };

export const AUTH_OUTCOMES = ['authenticated', 'challenge', 'rejected', 'none'] as const;
const journalFilterFields = {
  method: { type: 'string', minLength: 1, description: 'HTTP method (any case)' },
  path: pathPattern('request path'),
  status: { type: 'integer', minimum: 100, maximum: 599, description: 'response status' },
  since: {
    type: 'string',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?Z$',
    format: 'date-time',
    description: 'a UTC date-time like 2026-01-31T12:00:00.000Z',
  },
  challenge: { type: 'boolean', description: 'only Digest challenge requests (true) or only the others (false)' },
  authOutcome: { enum: AUTH_OUTCOMES },
  principal: { type: 'string', minLength: 1, description: 'public key or client id that authenticated' },
  faulted: { type: 'boolean', description: 'only requests a fault rule applied to (true) or the others (false)' },
} as const;
export const JournalFilterSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Which journaled requests: every field optional.',
  properties: journalFilterFields,
} as const;
export const JournalQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...journalFilterFields,
    limit: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'at most this many, the newest' },
  },
} as const;
export type JournalFilterInput = FromSchema<typeof JournalFilterSchema>;
export type JournalQuery = FromSchema<typeof JournalQuerySchema>;

export const JournalEntrySchema = {
  type: 'object',
  required: ['seq', 'time', 'method', 'url', 'path', 'query', 'headers', 'status', 'latencyMs', 'auth', 'challenge', 'fault'],
  properties: {
    seq: INTEGER,
    time: { type: 'string', format: 'date-time', description: 'when it was answered, on the emulator clock' },
    method: STRING,
    url: STRING,
    path: STRING,
    query: { type: 'object', additionalProperties: { anyOf: [STRING, { type: 'array', items: STRING }] } },
    headers: {
      type: 'object',
      additionalProperties: STRING,
      description: 'accept, authorization (scheme and user name only), content-type, user-agent',
    },
    status: { type: ['integer', 'null'], description: 'null when a drop fault closed the connection' },
    latencyMs: { type: 'number' },
    auth: {
      type: 'object',
      required: ['outcome'],
      properties: {
        outcome: { enum: AUTH_OUTCOMES },
        principal: STRING,
        reason: { type: 'string', description: 'why authentication failed, e.g. missing_credentials, bad_response' },
        signedUri: {
          type: 'string',
          description:
            'the uri a Digest header signed, when it is not the request-target (url): accepted as Atlas does, unless strictDigestUri',
        },
      },
    },
    reason: {
      type: 'string',
      description: 'why the answer refused the request, in words (a refusal by authentication has auth.reason instead)',
    },
    challenge: { type: 'boolean' },
    fault: {
      anyOf: [
        { type: 'object', required: ['id', 'effect'], properties: { id: STRING, effect: STRING, delayMs: INTEGER } },
        { type: 'null' },
      ],
    },
  },
} as const;
export const JournalListingSchema = {
  type: 'object',
  required: ['requests', 'total', 'capacity'],
  properties: {
    requests: { type: 'array', items: JournalEntrySchema },
    total: { type: 'integer', description: 'requests recorded since the last clear, evicted ones included' },
    capacity: { type: 'integer', description: 'ATLAS_EMU_JOURNAL_MAX' },
  },
} as const;

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** A pattern matching any of the words in any case (JSON Schema has no case-insensitive flag). */
const anyCase = (words: readonly string[]) =>
  `^(?:${words.map((w) => [...w].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('')).join('|')})$`;
export const MAX_DELAY_MS = 600_000;
const DELAY = { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS } as const;

export const FaultMatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { type: 'string', pattern: anyCase(METHODS), description: `an HTTP method, any case: ${METHODS.join(', ')}` },
    path: pathPattern('request path'),
    groupId: { type: 'string', minLength: 1 },
    clusterName: { type: 'string', minLength: 1 },
    key: { type: 'string', minLength: 1, description: 'the public key or client id that authenticated' },
    pageNum: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1, description: 'list requests of this page (an absent pageNum is page 1)' },
  },
} as const;
// A union told apart by its `type` (Ajv's discriminator says "effect.type must be one of ...").
export const FaultEffectSchema = {
  type: 'object',
  description: 'error (500, 503 or 429), delay, drop (close the connection) or truncate (part of the body, then close)',
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'error' },
        status: { enum: [500, 503, 429], default: 500 },
        retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 86_400, description: 'the Retry-After of a 429 (default 1)' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      description: 'ms, or a random delay from minMs to maxMs',
      properties: { type: { const: 'delay' }, ms: DELAY, minMs: DELAY, maxMs: DELAY },
    },
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'drop' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'truncate' },
        bytes: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'bytes of the body sent (default: half)' },
      },
    },
  ],
} as const;
export const FaultRuleInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['effect'],
  properties: {
    match: FaultMatchSchema,
    effect: FaultEffectSchema,
    times: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1, description: 'applies this many times, then no more' },
    probability: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'applies to each matching request with this probability' },
    everyRequest: { type: 'boolean', description: 'also unauthenticated requests (Digest challenges, OAuth token calls); default false' },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: 2 ** 32 - 1,
      description: 'seed of the rule’s generator (probability, random delays); default ATLAS_EMU_SEED',
    },
  },
} as const;
/** A rule as given: fields with a default may be left out. */
export type FaultRuleInput = FromSchema<typeof FaultRuleInputSchema, { keepDefaultedPropertiesOptional: true }>;
export type FaultEffectInput = FromSchema<typeof FaultEffectSchema, { keepDefaultedPropertiesOptional: true }>;
/** A rule as validation leaves it: its defaults filled in. */
export type ValidFaultRule = FromSchema<typeof FaultRuleInputSchema>;
export type FaultMatch = FromSchema<typeof FaultMatchSchema>;

export const FaultRuleSchema = {
  type: 'object',
  required: ['id', 'match', 'effect', 'times', 'probability', 'everyRequest', 'seed', 'applied'],
  properties: {
    id: STRING,
    match: FaultMatchSchema,
    effect: { type: 'object', additionalProperties: { type: ['string', 'integer'] }, description: 'the effect with its defaults' },
    times: { type: ['integer', 'null'] },
    probability: { type: ['number', 'null'] },
    everyRequest: { type: 'boolean' },
    seed: INTEGER,
    applied: { type: 'integer', description: 'how often it has applied' },
  },
} as const;
export const FaultListSchema = {
  type: 'object',
  required: ['faults'],
  properties: { faults: { type: 'array', items: FaultRuleSchema } },
} as const;
export const FaultIdSchema = { type: 'object', required: ['id'], properties: { id: STRING } } as const;

export const GroupParamsSchema = { type: 'object', required: ['groupId'], properties: { groupId: STRING } } as const;

export const HealthSchema = { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } as const;
export const ReadySchema = {
  type: 'object',
  required: ['status', 'version', 'seed', 'counts'],
  properties: { status: { const: 'ready' }, version: STRING, seed: INTEGER, counts: CountsSchema },
} as const;
export const InfoSchema = {
  type: 'object',
  required: ['name', 'version', 'apiVersions', 'v2MediaTypeVersions', 'authMethods', 'routes', 'fidelityGaps'],
  properties: {
    name: STRING,
    version: STRING,
    apiVersions: { type: 'array', items: STRING },
    v2MediaTypeVersions: { type: 'array', items: STRING },
    authMethods: { type: 'array', items: STRING },
    routes: {
      type: 'object',
      required: ['atlas', 'control'],
      properties: { atlas: { type: 'array', items: STRING }, control: { type: 'array', items: STRING } },
    },
    fidelityGaps: { type: 'array', items: STRING },
  },
} as const;
export const CountSchema = { type: 'object', required: ['count'], properties: { count: INTEGER } } as const;

export const ClockStateSchema = {
  type: 'object',
  required: ['now', 'frozen'],
  properties: { now: { type: 'string', format: 'date-time' }, frozen: { type: 'boolean' } },
} as const;
/** POST /_emulator/clock: one move at a time. */
export const ClockMoveSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'exactly one of set, advance, frozen',
  properties: {
    set: { ...DateTimeSchema, description: "a real UTC date-time to jump to (not before the clock's time)" },
    advance: {
      type: 'string',
      pattern: '^P',
      [ACCEPTS]: 'an ISO 8601 duration like PT6H or P2D',
      description: 'an ISO 8601 duration to move on by, like PT6H or P2D',
    },
    frozen: { type: 'boolean', description: 'stop the clock (true) or let it run from its time (false)' },
  },
} as const;
export type ClockMove = FromSchema<typeof ClockMoveSchema>;

/** For routes whose body may be left out: no body counts as {} (its schema then fills in the defaults). */
export function absentBodyIsEmpty(request: { body: unknown }, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

export interface ControlRouteSpec {
  summary: string;
  querystring?: object;
  body?: object;
  params?: object;
  /** The successful responses by status. */
  ok: Record<number, object>;
  /** Refuses malformed input (400 INVALID_CONTROL_REQUEST). */
  badRequest?: boolean;
  /** What its 404 says. */
  notFound?: string;
}

/**
 * A control route's schema: its inputs (their types kept, for the handler's request) and
 * responses, including those every control route may give.
 */
export function controlSchema<Spec extends ControlRouteSpec>({ summary, ok, badRequest, notFound, ...inputs }: Spec) {
  const error = (description: string) => ({ ...ErrorSchema, description });
  const response: Record<number, object> = { ...ok };
  if (badRequest) response[400] = error('A malformed request (INVALID_CONTROL_REQUEST); detail and parameters name the field.');
  if (notFound) response[404] = error(notFound);
  response[401] = error('ATLAS_EMU_ADMIN_TOKEN is set and the request does not carry it as a bearer token (ADMIN_TOKEN_REQUIRED).');
  return { schema: { summary, ...inputs, response } satisfies FastifySchema };
}
