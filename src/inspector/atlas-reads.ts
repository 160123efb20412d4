import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { EmulatorState } from '../control/emulator-state.js';
import { ATLAS_ROUTER_OPTIONS, registerOperations } from '../atlas/pipeline.js';
import { decorateAuthOutcome } from '../auth/plugin.js';
import { sendAtlas } from '../http/atlas-reply.js';
import { answerNotFound, decorateRefusal, registerAtlasErrors } from '../http/error-handler.js';
import { principalOf } from '../model/authentication.js';
import { API_VERSIONS } from '../model/links.js';
import { schemaCompilers } from '../http/schema-compilers.js';
import { controlSchema } from '../model/control-schemas.js';

// The Atlas JSON of a cluster's lists and entities for the inspector, which cannot sign Digest
// requests: GET /_emulator + an Atlas read path answers what GET on that path answers (same
// bytes, status and content type for the same Host and Accept). The answer comes from the
// Atlas API's own route modules (registerOperations) in a Fastify instance of their own, built
// on first use, whose only hook makes every request read as a member of every project: no
// authentication, journal, faults or rate limit, so reading leaves no trace in what a test
// asserts on. Injecting into the app's own routes instead would need a marker that every step
// of the Atlas pipeline checks on every request, to leave the inspector's reads out of it.

const RESOURCES = ['backupCheckpoints', 'snapshots', 'restoreJobs'] as const;
const PREFIX = '/_emulator';
const READER = principalOf('apiKey', 'inspector', '*');

function atlasReader(app: FastifyInstance, state: EmulatorState): FastifyInstance {
  const reader = Fastify({
    loggerInstance: app.log,
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: schemaCompilers },
    routerOptions: ATLAS_ROUTER_OPTIONS,
  });
  registerAtlasErrors(reader);
  decorateRefusal(reader);
  decorateAuthOutcome(reader);
  reader.addHook('onRequest', (request, _reply, done) => {
    request.principal = READER;
    done();
  });
  registerOperations(reader, { ...state, publicUrl: state.config.publicUrl });
  reader.setNotFoundHandler(answerNotFound);
  return reader;
}

const STRING = { type: 'string' } as const;
const ListParamsSchema = {
  type: 'object',
  required: ['version', 'groupId', 'clusterName', 'resource'],
  properties: { version: { enum: API_VERSIONS }, groupId: STRING, clusterName: STRING, resource: { enum: RESOURCES } },
} as const;
const ItemParamsSchema = {
  ...ListParamsSchema,
  required: [...ListParamsSchema.required, 'id'],
  properties: { ...ListParamsSchema.properties, id: STRING },
} as const;
const ATLAS_BODY = { description: 'What the Atlas operation answers: its JSON, status and Content-Type.' };
const ATLAS_NOT_FOUND =
  'The Atlas operation’s own errors, as it answers them (GROUP_NOT_FOUND, CLUSTER_NOT_FOUND, CHECKPOINT_NOT_FOUND, ...).';

/** GET /api/atlas/{version}/groups/{groupId}/clusters/{clusterName}/{resource}[/{id}]: Atlas reads without Digest. */
export async function atlasReadRoutes(app: FastifyInstance): Promise<void> {
  let reader: FastifyInstance | undefined;
  app.addHook('onClose', async () => reader?.close());

  const list = '/api/atlas/:version/groups/:groupId/clusters/:clusterName/:resource';
  const reads = (what: string) =>
    `${what} as GET on the same path without /_emulator answers it (query string and Accept header as Atlas takes them), read without Digest authentication, journal or faults.`;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reader ??= atlasReader(app, app.emulator);
    const { host, accept } = request.headers;
    const res = await reader.inject({
      method: 'GET',
      url: request.url.slice(PREFIX.length),
      headers: { ...(host && { host }), ...(accept && { accept }) },
    });
    const errorCode = res.headers['x-error-code'];
    const headers = errorCode === undefined ? undefined : { 'x-error-code': String(errorCode) };
    return sendAtlas(reply, res.statusCode, String(res.headers['content-type']), res.rawPayload, headers);
  };
  const route = (summary: string, params: object) =>
    controlSchema({ summary: reads(summary), params, ok: { 200: ATLAS_BODY }, badRequest: true, notFound: ATLAS_NOT_FOUND });
  app.get(list, route('A page of a cluster’s checkpoints, snapshots or restore jobs', ListParamsSchema), handler);
  app.get(`${list}/:id`, route('One checkpoint, snapshot or restore job', ItemParamsSchema), handler);
}
