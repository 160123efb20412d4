import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import { errors } from '../model/errors.js';
import { entityLinks } from '../model/links.js';
import type { Operations } from './operations.js';
import { CheckpointParamsSchema, ClusterParamsSchema, ItemQuerySchema, ListQuerySchema } from '../model/query-schemas.js';
import { answerItem, answerList } from './read-operations.js';
import { operation, resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
import { withLinks } from './views.js';

/** The two checkpoint operations of one API version. */
export function checkpointRoutes(app: FastifyInstance, checkpoints: Checkpoints, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/backupCheckpoints';

  resource(app, version, list, {
    GET: operation(
      { params: ClusterParamsSchema, querystring: ListQuerySchema },
      (request, reply) => {
        answerList(
          operations,
          request,
          reply,
          'backupCheckpoints',
          (cluster, now) => {
            const listing = checkpoints.list(cluster, now);
            return { total: listing.total, items: (offset, limit) => listing.page(offset, limit), validUntil: listing.validUntil };
          },
          'checkpoints',
        );
      },
      { paged: true },
    ),
  });

  resource(app, version, `${list}/:checkpointId`, {
    GET: operation({ params: CheckpointParamsSchema, querystring: ItemQuerySchema }, (request, reply) => {
      const { groupId, checkpointId } = request.params;
      answerItem(
        operations,
        request,
        reply,
        (cluster, now) => {
          if (!HEX24.test(checkpointId)) throw errors.invalidCheckpointId(checkpointId);
          const row = checkpoints.get(cluster, now, checkpointId);
          if (!row) throw errors.checkpointNotFound(checkpointId, cluster.name);
          const links = entityLinks(version, operations.base(request), groupId, cluster.name, `backupCheckpoints/${checkpointId}`, true);
          return { fields: withLinks(row, links), validUntil: cluster.live ? checkpoints.list(cluster, now).validUntil : Infinity };
        },
        'checkpoints',
      );
    }),
  });
}
