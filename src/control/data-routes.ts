import type { ContextConfigDefault, FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { Readable } from 'node:stream';
import { errors } from '../model/errors.js';
import { textSource } from '../fixtures/fixture-loader.js';
import { BodySpool } from './body-spool.js';
import { exportDocument, loadFixture, resetEmulator } from './emulator-control.js';
import { invalid } from '../model/control-input.js';
import {
  FixtureDocumentSchema,
  GroupParamsSchema,
  LoadQuerySchema,
  LoadResultSchema,
  ResetBodySchema,
  ResetQuerySchema,
  ResetResultSchema,
  absentBodyIsEmpty,
  controlSchema,
} from '../model/control-schemas.js';
import { ClusterParamsSchema } from '../model/query-schemas.js';

/** Fixture documents may be far larger than memory: they are spooled, then read in chunks. */
export const FIXTURE_BODY_LIMIT = 64 * 1024 * 1024 * 1024;

/** Reset, fixture load and export, and deletion of a project or a cluster. */
export async function dataRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const state = app.emulator;

  // The scope may come in the query string or in a JSON body, so that neither is silently ignored.
  const resets = 'Back to the start-up dataset (data), an empty journal, no fault rules, the clock at its start setting; or all four.';
  const reset = controlSchema({
    summary: resets,
    querystring: ResetQuerySchema,
    body: ResetBodySchema,
    ok: { 200: ResetResultSchema },
    badRequest: true,
  });
  app.post('/reset', { ...reset, preValidation: absentBodyIsEmpty }, (request, reply) => {
    const scope = request.query.scope ?? request.body.scope ?? 'all';
    resetEmulator(state, scope);
    reply.send({ scope, counts: state.store.counts() });
  });

  const exports = 'The whole state as one fixture document, every checkpoint listed (streamed: any size).';
  app.get('/fixtures', controlSchema({ summary: exports, ok: { 200: FixtureDocumentSchema } }), (_request, reply) => {
    const { store } = state;
    const generation = store.generation;
    // Chunks are read between other requests; a write meanwhile would tear the document, so the export stops instead.
    const chunks = (function* () {
      for (const chunk of exportDocument(state)) {
        if (store.generation !== generation) throw new Error('the state changed during the export');
        yield chunk;
      }
    })();
    reply.header('content-type', 'application/json; charset=utf-8').send(Readable.from(chunks, { objectMode: false }));
  });

  app.register(async (child) => {
    const load = child.withTypeProvider<JsonSchemaToTsProvider>();
    // The document is read by the fixture loader as it goes, not parsed whole by Fastify.
    load.removeAllContentTypeParsers();
    load.addContentTypeParser('application/json', (_request, payload, done) => {
      BodySpool.receive(payload, FIXTURE_BODY_LIMIT).then((spool) => done(null, spool), done);
    });
    const loads = 'Loads a fixture document in one transaction; a refused document changes nothing.';
    const route = controlSchema({
      summary: loads,
      querystring: LoadQuerySchema,
      body: FixtureDocumentSchema,
      ok: { 200: LoadResultSchema },
      badRequest: true,
    });
    // The body schema documents the route; the body itself is what the parser above makes of
    // it (nothing when no body came), and the loader checks the document part by part.
    load.post<{ Body: BodySpool | undefined }, ContextConfigDefault, typeof route.schema>(
      '/fixtures',
      {
        ...route,
        validatorCompiler: ({ schema, httpPart }) =>
          httpPart === 'body' ? () => true : load.validatorCompiler!({ schema, httpPart } as never),
      },
      (request, reply) => {
        const spool = request.body;
        if (spool === undefined) throw invalid('body', 'is empty');
        try {
          if (spool.bytes === 0) throw invalid('body', 'is empty');
          const { mode } = request.query;
          reply.send({
            mode,
            counts: loadFixture(
              state,
              textSource('body', () => spool.chunks()),
              mode,
            ),
          });
        } finally {
          spool.dispose();
        }
      },
    );
  });

  const deletesProject = controlSchema({
    summary: 'Deletes a project with its clusters and their backup data.',
    params: GroupParamsSchema,
    ok: { 204: {} },
    notFound: 'GROUP_NOT_FOUND',
  });
  app.delete('/projects/:groupId', deletesProject, (request, reply) => {
    const { groupId } = request.params;
    if (!state.store.deleteProject(groupId)) throw errors.groupNotFound(groupId);
    reply.code(204).send();
  });

  const deletesCluster = controlSchema({
    summary: 'Deletes a cluster with its backup data (checkpoints, schedule, snapshots, restore jobs).',
    params: ClusterParamsSchema,
    ok: { 204: {} },
    notFound: 'GROUP_NOT_FOUND or CLUSTER_NOT_FOUND',
  });
  app.delete('/projects/:groupId/clusters/:clusterName', deletesCluster, (request, reply) => {
    const { groupId, clusterName } = request.params;
    if (!state.store.project(groupId)) throw errors.groupNotFound(groupId);
    if (!state.store.deleteCluster(groupId, clusterName)) throw errors.clusterNotFound(clusterName, groupId);
    reply.code(204).send();
  });
}
