import type { FastifySchema } from 'fastify';
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { FixtureDocumentSchema } from '../seed/fixture-schema.js';

// The control plane's inputs and outputs, one schema each. Routes validate with them, the
// in-process API validates with the same ones, and the control plane's OpenAPI is generated
// from the routes that carry them.

/** A union told apart by one property (Ajv's discriminator gives "effect.type must be one of ..."). */
function discriminated<T extends TObject[]>(tag: string, variants: [...T], options: { description?: string } = {}) {
  return Type.Unsafe<Static<T[number]>>({ type: 'object', discriminator: { propertyName: tag }, oneOf: variants, ...options });
}

const int = (minimum: number, maximum: number, description?: string) => Type.Integer({ minimum, maximum, ...(description ? { description } : {}) });
const nonEmpty = (description?: string) => Type.String({ minLength: 1, ...(description ? { description } : {}) });
const pathPattern = (of: string) => Type.String({ pattern: '^/', description: `a path pattern starting with / (the ${of}; * matches within a segment, ** across segments)` });

export const ErrorSchema = Type.Object(
  { detail: Type.String(), error: Type.Integer(), errorCode: Type.String(), parameters: Type.Array(Type.String()), reason: Type.String() },
  { description: 'The Atlas error body. INVALID_CONTROL_REQUEST names the field in `parameters`.' },
);
export const CountsSchema = Type.Object({ projects: Type.Integer(), clusters: Type.Integer(), checkpoints: Type.Integer() });

export const RESET_SCOPES = ['all', 'data', 'journal', 'faults'] as const;
export type ResetScope = (typeof RESET_SCOPES)[number];
const ResetScopeSchema = Type.Enum(RESET_SCOPES, { description: 'all (default), data, journal or faults' });
export const ResetQuerySchema = Type.Object({ scope: Type.Optional(ResetScopeSchema) }, { additionalProperties: false });
export const ResetBodySchema = Type.Object({ scope: Type.Optional(ResetScopeSchema) }, { additionalProperties: false, description: 'The scope may come here instead of the query string.' });
export const ResetResultSchema = Type.Object({ scope: ResetScopeSchema, counts: CountsSchema });

export const LOAD_MODES = ['merge', 'replace'] as const;
export const LoadQuerySchema = Type.Object(
  { mode: Type.Enum(LOAD_MODES, { default: 'merge', description: 'merge (default: upsert projects, clusters and credentials, merge checkpoints by id) or replace' }) },
  { additionalProperties: false },
);
export const LoadResultSchema = Type.Object({ mode: Type.Enum(LOAD_MODES), counts: CountsSchema });
export { FixtureDocumentSchema };

export const AUTH_OUTCOMES = ['authenticated', 'challenge', 'rejected', 'none'] as const;
const journalFilterFields = {
  method: Type.Optional(nonEmpty('HTTP method (any case)')),
  path: Type.Optional(pathPattern('request path')),
  status: Type.Optional(int(100, 599, 'response status')),
  since: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?Z$',
      format: 'date-time',
      description: 'a UTC date-time like 2026-01-31T12:00:00.000Z',
    }),
  ),
  challenge: Type.Optional(Type.Boolean({ description: 'only Digest challenge requests (true) or only the others (false)' })),
  authOutcome: Type.Optional(Type.Enum(AUTH_OUTCOMES)),
  principal: Type.Optional(nonEmpty('public key or client id that authenticated')),
  faulted: Type.Optional(Type.Boolean({ description: 'only requests a fault rule applied to (true) or the others (false)' })),
};
export const JournalFilterSchema = Type.Object(journalFilterFields, { additionalProperties: false, description: 'Which journaled requests: every field optional.' });
export const JournalQuerySchema = Type.Object(
  { ...journalFilterFields, limit: Type.Optional(int(1, 1_000_000, 'at most this many, the newest')) },
  { additionalProperties: false },
);
export type JournalFilterInput = Static<typeof JournalFilterSchema>;

export const JournalEntrySchema = Type.Object({
  seq: Type.Integer(),
  time: Type.String({ format: 'date-time' }),
  method: Type.String(),
  url: Type.String(),
  path: Type.String(),
  query: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
  headers: Type.Record(Type.String(), Type.String(), { description: 'accept, authorization (scheme and user name only), content-type, user-agent' }),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'null when a drop fault closed the connection' }),
  latencyMs: Type.Number(),
  auth: Type.Object({
    outcome: Type.Enum(AUTH_OUTCOMES),
    principal: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: 'why authentication failed, e.g. missing_credentials, bad_response' })),
  }),
  challenge: Type.Boolean(),
  fault: Type.Union([Type.Object({ id: Type.String(), effect: Type.String(), delayMs: Type.Optional(Type.Integer()) }), Type.Null()]),
});
export const JournalListingSchema = Type.Object({
  requests: Type.Array(JournalEntrySchema),
  total: Type.Integer({ description: 'requests recorded since the last clear, evicted ones included' }),
  capacity: Type.Integer({ description: 'ATLAS_EMU_JOURNAL_MAX' }),
});

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** A pattern matching any of the words in any case (JSON Schema has no case-insensitive flag). */
const anyCase = (words: readonly string[]) => `^(?:${words.map((w) => [...w].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('')).join('|')})$`;
export const MAX_DELAY_MS = 600_000;
const delay = int(0, MAX_DELAY_MS);

export const FaultMatchSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ pattern: anyCase(METHODS), description: `an HTTP method, any case: ${METHODS.join(', ')}` })),
    path: Type.Optional(pathPattern('request path')),
    groupId: Type.Optional(nonEmpty()),
    clusterName: Type.Optional(nonEmpty()),
    key: Type.Optional(nonEmpty('the public key or client id that authenticated')),
    pageNum: Type.Optional(int(1, 2 ** 31 - 1, 'list requests of this page (an absent pageNum is page 1)')),
  },
  { additionalProperties: false },
);
export const FaultEffectSchema = discriminated(
  'type',
  [
    Type.Object(
      {
        type: Type.Literal('error'),
        status: Type.Optional(Type.Enum([500, 503, 429], { default: 500 })),
        retryAfterSeconds: Type.Optional(int(0, 86_400, 'the Retry-After of a 429 (default 1)')),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { type: Type.Literal('delay'), ms: Type.Optional(delay), minMs: Type.Optional(delay), maxMs: Type.Optional(delay) },
      { additionalProperties: false, description: 'ms, or a random delay from minMs to maxMs' },
    ),
    Type.Object({ type: Type.Literal('drop') }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('truncate'), bytes: Type.Optional(int(0, 2 ** 31 - 1, 'bytes of the body sent (default: half)')) }, { additionalProperties: false }),
  ],
  { description: 'error (500, 503 or 429), delay, drop (close the connection) or truncate (part of the body, then close)' },
);
export const FaultRuleInputSchema = Type.Object(
  {
    match: Type.Optional(FaultMatchSchema),
    effect: FaultEffectSchema,
    times: Type.Optional(int(1, 2 ** 31 - 1, 'applies this many times, then no more')),
    probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'applies to each matching request with this probability' })),
    everyRequest: Type.Optional(Type.Boolean({ description: 'also unauthenticated requests (Digest challenges, OAuth token calls); default false' })),
    seed: Type.Optional(int(0, 2 ** 32 - 1, 'seed of the rule’s generator (probability, random delays); default ATLAS_EMU_SEED')),
  },
  { additionalProperties: false },
);
export type FaultRuleInput = Static<typeof FaultRuleInputSchema>;
export type FaultEffectInput = Static<typeof FaultEffectSchema>;
export type FaultMatch = Static<typeof FaultMatchSchema>;

export const FaultRuleSchema = Type.Object({
  id: Type.String(),
  match: FaultMatchSchema,
  effect: Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]), { description: 'the effect with its defaults' }),
  times: Type.Union([Type.Integer(), Type.Null()]),
  probability: Type.Union([Type.Number(), Type.Null()]),
  everyRequest: Type.Boolean(),
  seed: Type.Integer(),
  applied: Type.Integer({ description: 'how often it has applied' }),
});
export const FaultListSchema = Type.Object({ faults: Type.Array(FaultRuleSchema) });
export const FaultIdSchema = Type.Object({ id: Type.String() });

export const GroupParamsSchema = Type.Object({ groupId: Type.String() });
export const ClusterParamsSchema = Type.Object({ groupId: Type.String(), clusterName: Type.String() });

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export const ReadySchema = Type.Object({ status: Type.Literal('ready'), version: Type.String(), seed: Type.Integer(), counts: CountsSchema });
export const InfoSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  apiVersions: Type.Array(Type.String()),
  v2MediaTypeVersions: Type.Array(Type.String()),
  authMethods: Type.Array(Type.String()),
  routes: Type.Object({ atlas: Type.Array(Type.String()), control: Type.Array(Type.String()) }),
  fidelityGaps: Type.Array(Type.String()),
});
export const CountSchema = Type.Object({ count: Type.Integer() });

/** For routes whose body may be left out: no body counts as {} (its schema then fills in the defaults). */
export function absentBodyIsEmpty(request: { body: unknown }, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

export interface ControlRouteSpec {
  summary: string;
  querystring?: TSchema;
  body?: TSchema;
  params?: TSchema;
  /** The successful responses by status. */
  ok: Record<number, TSchema | object>;
  /** Refuses malformed input (400 INVALID_CONTROL_REQUEST). */
  badRequest?: boolean;
  /** What its 404 says. */
  notFound?: string;
}

/** A control route's schema: its inputs and responses, including those every control route may give. */
export function controlSchema({ summary, ok, badRequest, notFound, ...inputs }: ControlRouteSpec): { schema: FastifySchema } {
  const error = (description: string) => ({ ...ErrorSchema, description });
  const response: Record<number, object> = { ...ok };
  if (badRequest) response[400] = error('A malformed request (INVALID_CONTROL_REQUEST); detail and parameters name the field.');
  if (notFound) response[404] = error(notFound);
  response[401] = error('ATLAS_EMU_ADMIN_TOKEN is set and the request does not carry it as a bearer token (ADMIN_TOKEN_REQUIRED).');
  return { schema: { summary, ...inputs, response } };
}
