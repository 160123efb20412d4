import { VERSION } from './health.js';

// The control API's OpenAPI 3.1 description, written by hand: a generator plugin would cost
// start-up time for a document that changes only with this file. GET /_emulator/openapi.json
// serves it; /_emulator/info lists its routes.

const STRING = { type: 'string' };
const INTEGER = { type: 'integer' };
const BOOLEAN = { type: 'boolean' };
const SCOPE = { type: 'string', enum: ['all', 'data', 'journal', 'faults'] };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: object) => ({ description, ...json(schema) });
const noContent = { description: 'Done; no body.' };
const error = (description: string) => ({ description, ...json(ref('Error')) });
const ADMIN = { 401: error('ATLAS_EMU_ADMIN_TOKEN is set and the request does not carry it as a bearer token (ADMIN_TOKEN_REQUIRED).') };
const BAD = { 400: error('A malformed request (INVALID_CONTROL_REQUEST); detail and parameters name the field.') };
const query = (name: string, description: string, schema: object) => ({ name, in: 'query', description, schema });
const path = (name: string) => ({ name, in: 'path', required: true, schema: STRING });

const filterParameters = [
  query('method', 'HTTP method (case-insensitive).', STRING),
  query('path', 'Path pattern: `*` matches within one segment, `**` across segments.', STRING),
  query('status', 'Response status.', INTEGER),
  query('since', 'Entries at or after this UTC date-time.', { type: 'string', format: 'date-time' }),
  query('challenge', 'Only Digest challenge requests (true) or only the others (false).', BOOLEAN),
  query('authOutcome', 'authenticated, challenge, rejected or none.', { type: 'string', enum: ['authenticated', 'challenge', 'rejected', 'none'] }),
  query('principal', 'Public key or client id that authenticated.', STRING),
  query('faulted', 'Only requests a fault rule applied to (true) or the others (false).', BOOLEAN),
];

export const CONTROL_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'atlas-backup-emulator control API',
    version: VERSION,
    description:
      'Test-suite control of the emulator, outside Atlas authentication. When ATLAS_EMU_ADMIN_TOKEN is set, every route but health and ready requires `Authorization: Bearer <token>`. Errors use the Atlas error body `{detail, error, errorCode, parameters, reason}`. Control requests are neither journaled nor faulted.',
  },
  components: {
    securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['detail', 'error', 'errorCode', 'parameters', 'reason'],
        properties: {
          detail: STRING,
          error: INTEGER,
          errorCode: STRING,
          parameters: { type: 'array', items: STRING },
          reason: STRING,
        },
      },
      Counts: {
        type: 'object',
        properties: { projects: INTEGER, clusters: INTEGER, checkpoints: INTEGER },
      },
      FixtureDocument: {
        type: 'object',
        description: 'The fixture document format of the README (projects, clusters, checkpoints listed or generated, API keys, service accounts).',
        properties: { projects: { type: 'array', items: { type: 'object' } } },
      },
      JournalEntry: {
        type: 'object',
        properties: {
          seq: INTEGER,
          time: { type: 'string', format: 'date-time' },
          method: STRING,
          url: STRING,
          path: STRING,
          query: { type: 'object', additionalProperties: true },
          headers: {
            type: 'object',
            description: 'accept, authorization (scheme and user name only), content-type, user-agent.',
            additionalProperties: STRING,
          },
          status: { type: ['integer', 'null'], description: 'null when a drop fault closed the connection.' },
          latencyMs: { type: 'number' },
          auth: {
            type: 'object',
            properties: {
              outcome: { type: 'string', enum: ['authenticated', 'challenge', 'rejected', 'none'] },
              principal: STRING,
              reason: { type: 'string', description: 'Why authentication failed (e.g. missing_credentials, bad_response).' },
            },
          },
          challenge: BOOLEAN,
          fault: { type: ['object', 'null'], properties: { id: STRING, effect: STRING } },
        },
      },
      FaultRuleInput: {
        type: 'object',
        required: ['effect'],
        properties: {
          match: {
            type: 'object',
            properties: {
              method: STRING,
              path: { type: 'string', description: 'Path pattern: `*` within a segment, `**` across segments.' },
              groupId: STRING,
              clusterName: STRING,
              key: { type: 'string', description: 'Public key or client id that authenticated.' },
              pageNum: { type: 'integer', minimum: 1, description: 'List requests of this page (absent pageNum is page 1).' },
            },
          },
          effect: {
            oneOf: [
              { type: 'object', properties: { type: { const: 'error' }, status: { enum: [500, 503, 429] }, retryAfterSeconds: INTEGER } },
              { type: 'object', properties: { type: { const: 'delay' }, ms: INTEGER } },
              { type: 'object', properties: { type: { const: 'delay' }, minMs: INTEGER, maxMs: INTEGER } },
              { type: 'object', properties: { type: { const: 'drop' } } },
              { type: 'object', properties: { type: { const: 'truncate' }, bytes: INTEGER } },
            ],
          },
          times: { type: 'integer', minimum: 1 },
          probability: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          everyRequest: { type: 'boolean', description: 'Also unauthenticated requests (challenges); default false.' },
          seed: { type: 'integer', description: 'Seed of the rule’s generator; default ATLAS_EMU_SEED.' },
        },
      },
      FaultRule: {
        allOf: [
          ref('FaultRuleInput'),
          { type: 'object', properties: { id: STRING, applied: INTEGER, times: { type: ['integer', 'null'] }, probability: { type: ['number', 'null'] } } },
        ],
      },
    },
  },
  security: [{ adminToken: [] }],
  paths: {
    '/_emulator/health': { get: { summary: 'Liveness.', security: [], responses: { 200: ok('Alive.', { type: 'object' }) } } },
    '/_emulator/ready': {
      get: { summary: 'Readiness: the store is open and seeded.', security: [], responses: { 200: ok('Version, seed and counts.', { type: 'object' }) } },
    },
    '/_emulator/openapi.json': { get: { summary: 'This document.', responses: { 200: ok('OpenAPI 3.1.', { type: 'object' }), ...ADMIN } } },
    '/_emulator/info': {
      get: { summary: 'Version, API versions, auth methods, routes and known fidelity gaps.', responses: { 200: ok('Info.', { type: 'object' }), ...ADMIN } },
    },
    '/_emulator/reset': {
      post: {
        summary: 'Back to the start-up dataset (data), an empty journal, no fault rules; or all three.',
        parameters: [query('scope', 'all (default), data, journal or faults.', SCOPE)],
        requestBody: { required: false, ...json({ type: 'object', properties: { scope: SCOPE }, description: 'The scope may come here instead of the query string.' }) },
        responses: { 200: ok('The scope reset and the counts after it.', { type: 'object', properties: { scope: STRING, counts: ref('Counts') } }), ...BAD, ...ADMIN },
      },
    },
    '/_emulator/fixtures': {
      get: { summary: 'The whole state as one fixture document (every checkpoint listed).', responses: { 200: ok('A fixture document.', ref('FixtureDocument')), ...ADMIN } },
      post: {
        summary: 'Loads a fixture document in one transaction; a refused document changes nothing.',
        parameters: [query('mode', 'merge (default) or replace.', { type: 'string', enum: ['merge', 'replace'] })],
        requestBody: { required: true, ...json(ref('FixtureDocument')) },
        responses: { 200: ok('The mode and the counts after the load.', { type: 'object', properties: { mode: STRING, counts: ref('Counts') } }), ...BAD, ...ADMIN },
      },
    },
    '/_emulator/projects/{groupId}': {
      delete: {
        summary: 'Deletes a project with its clusters and checkpoints.',
        parameters: [path('groupId')],
        responses: { 204: noContent, 404: error('GROUP_NOT_FOUND.'), ...ADMIN },
      },
    },
    '/_emulator/projects/{groupId}/clusters/{clusterName}': {
      delete: {
        summary: 'Deletes a cluster with its checkpoints.',
        parameters: [path('groupId'), path('clusterName')],
        responses: { 204: noContent, 404: error('GROUP_NOT_FOUND or CLUSTER_NOT_FOUND.'), ...ADMIN },
      },
    },
    '/_emulator/requests': {
      get: {
        summary: 'Journaled requests, oldest first; with limit, the newest `limit` of those matching.',
        parameters: [...filterParameters, query('limit', 'At most this many (the newest).', { type: 'integer', minimum: 1 })],
        responses: {
          200: ok('Entries, the number recorded since the last clear, and the ring capacity (ATLAS_EMU_JOURNAL_MAX).', {
            type: 'object',
            properties: { requests: { type: 'array', items: ref('JournalEntry') }, total: INTEGER, capacity: INTEGER },
          }),
          ...BAD,
          ...ADMIN,
        },
      },
      delete: { summary: 'Empties the journal.', responses: { 204: noContent, ...ADMIN } },
    },
    '/_emulator/requests/count': {
      post: {
        summary: 'Counts journaled requests matching a matcher (the GET filters as a JSON object).',
        requestBody: { ...json({ type: 'object', properties: Object.fromEntries(filterParameters.map((p) => [p.name, p.schema])) }) },
        responses: { 200: ok('The count.', { type: 'object', properties: { count: INTEGER } }), ...BAD, ...ADMIN },
      },
    },
    '/_emulator/faults': {
      post: {
        summary: 'Adds a fault rule. Rules apply to authenticated API requests unless everyRequest is true; the first live matching rule applies.',
        requestBody: { required: true, ...json(ref('FaultRuleInput')) },
        responses: { 201: ok('The stored rule.', ref('FaultRule')), ...BAD, ...ADMIN },
      },
      get: { summary: 'The rules, with how often each has applied.', responses: { 200: ok('Rules.', { type: 'object', properties: { faults: { type: 'array', items: ref('FaultRule') } } }), ...ADMIN } },
      delete: { summary: 'Removes every rule.', responses: { 204: noContent, ...ADMIN } },
    },
    '/_emulator/faults/{id}': {
      delete: { summary: 'Removes one rule.', parameters: [path('id')], responses: { 204: noContent, 404: error('FAULT_NOT_FOUND.'), ...ADMIN } },
    },
  },
} as const;
