import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import { errors } from './errors.js';
import { entityLinks } from './links.js';
import { entity, listPage } from './list-page.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, listQuery, ListQuerySchema, type ItemQueryText, type ListQueryText } from './query.js';
import { resource } from './resource.js';
import { HEX24 } from './value-schemas.js';
import { withLinks } from './views.js';

/** The two checkpoint operations of one API version. */
export function checkpointRoutes(app: FastifyInstance, checkpoints: Checkpoints, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/backupCheckpoints';

  resource(app, version, list, {
    GET: {
      paged: true,
      schema: { querystring: ListQuerySchema },
      handler: (request, reply) => {
        const params = request.params as ClusterParams;
        const text = request.query as ListQueryText;
        operations.respond(request, reply, params.groupId, itemQuery(text).pretty, () => {
          const query = listQuery(text, request.url);
          const cluster = operations.cluster(request, params, 'checkpoints');
          const listing = checkpoints.list(cluster, operations.clock.now());
          const base = operations.base(request);
          const link = (id: string) => entityLinks(version, base, params.groupId, cluster.name, `backupCheckpoints/${id}`, false);
          const where = { ...params, clusterName: cluster.name, collection: 'backupCheckpoints' };
          const page = listPage(operations, request, where, query, listing.total, (offset, limit) =>
            listing.page(offset, limit).map((row) => {
              const fields = JSON.parse(row) as { id: string };
              return withLinks(fields, link(fields.id));
            }),
          );
          return { body: page, validUntil: listing.validUntil };
        });
      },
    },
  });

  resource(app, version, `${list}/:checkpointId`, {
    GET: {
      schema: { querystring: ItemQuerySchema },
      handler: (request, reply) => {
        const params = request.params as ClusterParams & { checkpointId: string };
        const query = itemQuery(request.query as ItemQueryText);
        operations.respond(request, reply, params.groupId, query.pretty, () => {
          const cluster = operations.cluster(request, params, 'checkpoints');
          if (!HEX24.test(params.checkpointId)) throw errors.invalidCheckpointId(params.checkpointId);
          const now = operations.clock.now();
          const row = checkpoints.get(cluster, now, params.checkpointId);
          if (!row) throw errors.checkpointNotFound(params.checkpointId, cluster.name);
          const links = entityLinks(version, operations.base(request), params.groupId, cluster.name, `backupCheckpoints/${params.checkpointId}`, true);
          return { body: entity(withLinks(row, links), query.envelope), validUntil: cluster.live ? checkpoints.list(cluster, now).validUntil : Infinity };
        });
      },
    },
  });
}
