import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import { errors } from './errors.js';
import { entityLinks } from './links.js';
import { entity, listOperation } from './list-page.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, ListQuerySchema, type ItemQueryText } from './query.js';
import { resource } from './resource.js';
import { HEX24 } from './value-schemas.js';
import { withLinks } from './views.js';

/** The two checkpoint operations of one API version. */
export function checkpointRoutes(app: FastifyInstance, checkpoints: Checkpoints, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/backupCheckpoints';

  resource(app, version, list, {
    GET: listOperation(operations, 'backupCheckpoints', ListQuerySchema, (cluster, now) => {
      const listing = checkpoints.list(cluster, now);
      return { total: listing.total, items: (offset, limit) => listing.page(offset, limit), validUntil: listing.validUntil };
    }, 'checkpoints'),
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
