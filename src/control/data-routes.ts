import type { FastifyInstance } from 'fastify';
import { errors } from '../atlas/errors.js';
import { loadFixture, parseLoadMode, parseResetScope, resetEmulator } from './emulator-control.js';
import { object } from './input.js';

/** Fixture documents take time to write: larger bodies than Fastify's 1 MiB default are expected. */
export const FIXTURE_BODY_LIMIT = 512 * 1024 * 1024;

/** Reset, fixture load and export, and deletion of a project or a cluster. */
export async function dataRoutes(app: FastifyInstance): Promise<void> {
  const state = app.emulator;

  // The scope may come in the query string or in a JSON body, so that neither is silently ignored.
  app.post('/reset', (request, reply) => {
    const query = object(request.query, 'query', ['scope']);
    const body = request.body === undefined ? {} : object(request.body, 'body', ['scope']);
    const scope = parseResetScope(query.scope ?? body.scope);
    resetEmulator(state, scope);
    reply.send({ scope, counts: state.store.counts() });
  });

  app.get('/fixtures', (_request, reply) => {
    reply.send(state.store.exportDocument());
  });

  app.post('/fixtures', { bodyLimit: FIXTURE_BODY_LIMIT }, (request, reply) => {
    const query = object(request.query, 'query', ['mode']);
    const mode = parseLoadMode(query.mode);
    reply.send({ mode, counts: loadFixture(state, request.body, mode) });
  });

  app.delete<{ Params: { groupId: string } }>('/projects/:groupId', (request, reply) => {
    const { groupId } = request.params;
    if (!state.store.deleteProject(groupId)) throw errors.groupNotFound(groupId);
    reply.code(204).send();
  });

  app.delete<{ Params: { groupId: string; clusterName: string } }>('/projects/:groupId/clusters/:clusterName', (request, reply) => {
    const { groupId, clusterName } = request.params;
    if (!state.store.project(groupId)) throw errors.groupNotFound(groupId);
    if (!state.store.deleteCluster(groupId, clusterName)) throw errors.clusterNotFound(clusterName, groupId);
    reply.code(204).send();
  });
}
