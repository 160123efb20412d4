import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import { errors } from '../model/errors.js';
import { entityLinks } from '../model/links.js';
import type { ClusterParams, Operations } from './operations.js';
import { ListQuerySchema } from '../model/query-schemas.js';
import { itemOperation, listOperation } from './read-operations.js';
import { resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
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
    GET: itemOperation<ClusterParams & { checkpointId: string }>(
      operations,
      (request, params, cluster, now) => {
        if (!HEX24.test(params.checkpointId)) throw errors.invalidCheckpointId(params.checkpointId);
        const row = checkpoints.get(cluster, now, params.checkpointId);
        if (!row) throw errors.checkpointNotFound(params.checkpointId, cluster.name);
        const links = entityLinks(version, operations.base(request), params.groupId, cluster.name, `backupCheckpoints/${params.checkpointId}`, true);
        return { fields: withLinks(row, links), validUntil: cluster.live ? checkpoints.list(cluster, now).validUntil : Infinity };
      },
      'checkpoints',
    ),
  });
}
