import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { readFileSync } from 'node:fs';

// Validates responses against the vendored (patched) official OpenAPI contract: the checkpoints
// fragment (v1.0 and v2 paths) and the Legacy Backup fragment (all eleven operations, v2
// paths; v1.0 serves the same operations with application/json).

type Media = Record<string, { schema?: { $ref: string } }>;
type Operation = { requestBody?: { content: Media }; responses: Record<string, { $ref?: string; content?: Media }> };
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/contract/${name}`, import.meta.url), 'utf8')) as Spec;
const checkpoints = load('atlas-openapi-checkpoints.json');
const legacyBackup = load('atlas-openapi-legacy-backup.json');
const paths = { ...legacyBackup.paths, ...checkpoints.paths };

// OpenAPI 3.0 `nullable` becomes a JSON Schema type union; `example` and `x-` extensions are dropped.
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'externalDocs' || key.startsWith('x-')) continue;
    out[key] = key === '$ref' ? String(value).replace('#/components/schemas/', '#/definitions/') : toJsonSchema(value);
  }
  if ((node as { nullable?: boolean }).nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

// The shared components are identical in both fragments; the Legacy Backup one has them all.
const definitions = toJsonSchema(legacyBackup.components.schemas);

/**
 * A validator for one direction of the contract. OpenAPI's `writeOnly` property "MAY be sent
 * as part of a request but SHOULD NOT be sent as part of a response", `readOnly` the reverse;
 * Ajv takes both as annotations, so each direction replaces the one it forbids with a keyword
 * that fails wherever an instance reaches a schema carrying it.
 */
function directedAjv(forbidden: 'readOnly' | 'writeOnly', message: string): { validatorFor(schemaRef: string): ValidateFunction } {
  // Atlas's patterns are ECMA-262 without the u flag (`\:` appears in one).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS: its default export is the plugin function.
  (formats as unknown as (a: Ajv) => void)(ajv);
  ajv.removeKeyword(forbidden);
  ajv.addKeyword({ keyword: forbidden, schemaType: 'boolean', error: { message }, validate: (schema: boolean) => !schema });
  const compiled = new Map<string, ValidateFunction>();
  return {
    validatorFor(schemaRef) {
      let validate = compiled.get(schemaRef);
      if (!validate) {
        validate = ajv.compile({ definitions, $ref: schemaRef.replace('#/components/schemas/', '#/definitions/') });
        compiled.set(schemaRef, validate);
      }
      return validate;
    },
  };
}

const responses = directedAjv('writeOnly', 'is writeOnly: a response must not carry it');
const requests = directedAjv('readOnly', 'is readOnly: a request must not carry it');

/** Each documented path template as a pattern, v1.0 twins of v2-only operations included. */
const TEMPLATES = [...new Set([...Object.keys(paths), ...Object.keys(legacyBackup.paths).map((p) => p.replace('/v2/', '/v1.0/'))])].map(
  (template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`) }),
);

/** The operation a request is, and the media type its success answers in. */
function operationOf(method: string, path: string): { name: string; operation: Operation; mediaType?: string } | undefined {
  const template = TEMPLATES.find(({ pattern }) => pattern.test(path))?.template;
  if (!template) return undefined;
  const own = paths[template]?.[method.toLowerCase()];
  if (own) return { name: `${method} ${template}`, operation: own };
  const v2 = legacyBackup.paths[template.replace('/v1.0/', '/v2/')]?.[method.toLowerCase()];
  return v2 && { name: `${method} ${template}`, operation: v2, mediaType: 'application/json' };
}

/**
 * Problems of a response against the contract ([] when it conforms). Success bodies are
 * checked against the operation's declared schema and media type; every error body against
 * ApiError (statuses the operation does not declare, like 406, included).
 */
export function contractProblems(path: string, status: number, contentType: string | undefined, body: string, method = 'GET'): string[] {
  const found = operationOf(method, path.split('?')[0]!);
  if (status < 300 && !found) return [`no operation for ${method} ${path}`];
  if (status < 300) {
    const declared = found!.operation.responses[String(status)];
    if (!declared) return [`status ${status} is not declared for ${found!.name}`];
    if (status === 204) return body === '' ? [] : [`a 204 answer has a body: ${body.slice(0, 80)}`];
  }
  if (body === '') return [`an empty ${status} body`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`body is not JSON: ${body.slice(0, 80)}`];
  }
  let schemaRef = '#/components/schemas/ApiError';
  if (status < 300) {
    const [declaredType, media] = Object.entries(found!.operation.responses[String(status)]!.content ?? {})[0] ?? [];
    const mediaType = found!.mediaType ?? declaredType;
    if (!media?.schema) return [`status ${status} of ${found!.name} declares no schema`];
    if (!contentType?.startsWith(mediaType!)) return [`content type ${contentType} is not ${mediaType}`];
    schemaRef = media.schema.$ref;
  } else if (!contentType?.startsWith('application/json')) {
    return [`error content type ${contentType} is not application/json`];
  }
  if (status < 300 && /[?&]envelope=true(?:&|$)/i.test(path)) {
    // envelope=true: a list gains its status; an entity goes into {content, status}.
    const { status: enveloped, ...rest } = parsed as Record<string, unknown>;
    if (enveloped !== status) return [`the envelope's status ${String(enveloped)} is not ${status}`];
    parsed = schemaRef.includes('/Paginated') ? rest : rest.content;
    if (!schemaRef.includes('/Paginated') && Object.keys(rest).join() !== 'content')
      return [`an entity envelope holds ${Object.keys(rest).join(', ')}`];
  }
  const validate = responses.validatorFor(schemaRef);
  return validate(parsed) ? [] : (validate.errors ?? []).map((e) => `${schemaRef} ${e.instancePath} ${e.message}`);
}

/**
 * Problems of a request body against the contract's `readOnly` marks ([] when it carries none,
 * or the operation takes no body). Only those: the tests send malformed bodies on purpose,
 * and what the emulator answers to them is checked as a response.
 */
export function requestProblems(method: string, path: string, body: unknown): string[] {
  const media = operationOf(method, path.split('?')[0]!)?.operation.requestBody?.content;
  const schemaRef = media && Object.values(media)[0]?.schema?.$ref;
  if (!schemaRef || body === undefined) return [];
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return [];
    }
  }
  const validate = requests.validatorFor(schemaRef);
  validate(parsed);
  return (validate.errors ?? []).filter((e) => e.keyword === 'readOnly').map((e) => `${schemaRef} ${e.instancePath} ${e.message}`);
}
