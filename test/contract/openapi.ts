import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { readFileSync } from 'node:fs';

// Validates responses against the vendored (patched) official OpenAPI contract.

type Spec = {
  paths: Record<string, { get: { responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }> } }>;
  components: { responses: Record<string, { content: Record<string, { schema: object }> }>; schemas: Record<string, object> };
};

const spec = JSON.parse(readFileSync(new URL('../../fixtures/contract/atlas-openapi-checkpoints.json', import.meta.url), 'utf8')) as Spec;

// OpenAPI 3.0 `nullable` becomes a JSON Schema type union; `readOnly`/`example`/... are annotations.
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

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default export is the plugin function.
(formats as unknown as (a: Ajv) => void)(ajv);
const definitions = toJsonSchema(spec.components.schemas);
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaRef: string): ValidateFunction {
  let validate = compiled.get(schemaRef);
  if (!validate) {
    validate = ajv.compile({ definitions, $ref: schemaRef.replace('#/components/schemas/', '#/definitions/') });
    compiled.set(schemaRef, validate);
  }
  return validate;
}

const OPERATIONS: [RegExp, string][] = [
  [/^\/api\/atlas\/v1\.0\/groups\/[^/]+\/clusters\/[^/]+\/backupCheckpoints$/, '/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backupCheckpoints'],
  [/^\/api\/atlas\/v1\.0\/groups\/[^/]+\/clusters\/[^/]+\/backupCheckpoints\/[^/]+$/, '/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backupCheckpoints/{checkpointId}'],
  [/^\/api\/atlas\/v2\/groups\/[^/]+\/clusters\/[^/]+\/backupCheckpoints$/, '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backupCheckpoints'],
  [/^\/api\/atlas\/v2\/groups\/[^/]+\/clusters\/[^/]+\/backupCheckpoints\/[^/]+$/, '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backupCheckpoints/{checkpointId}'],
];

/**
 * Problems of a response against the contract ([] when it conforms). Success bodies are
 * checked against the operation's declared schema and media type; every error body against
 * ApiError (statuses the operation does not declare, like 406, included).
 */
export function contractProblems(path: string, status: number, contentType: string | undefined, body: string): string[] {
  if (status === 204 || body === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`body is not JSON: ${body.slice(0, 80)}`];
  }
  const operation = OPERATIONS.find(([pattern]) => pattern.test(path.split('?')[0]!))?.[1];
  let schemaRef = '#/components/schemas/ApiError';
  if (status < 300) {
    if (!operation) return [`no operation for ${path}`];
    const declared = spec.paths[operation]!.get.responses[String(status)];
    const [mediaType, media] = Object.entries(declared?.content ?? {})[0] ?? [];
    if (!media) return [`status ${status} is not declared for ${operation}`];
    if (!contentType?.startsWith(mediaType!)) return [`content type ${contentType} is not ${mediaType}`];
    schemaRef = (media.schema as { $ref: string }).$ref;
  } else if (!contentType?.startsWith('application/json')) {
    return [`error content type ${contentType} is not application/json`];
  }
  const validate = validatorFor(schemaRef);
  return validate(parsed) ? [] : (validate.errors ?? []).map((e) => `${schemaRef} ${e.instancePath} ${e.message}`);
}
