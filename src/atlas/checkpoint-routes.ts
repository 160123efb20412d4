import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { checkpointView } from './checkpoint-view.js';
import { errors } from './errors.js';
import { HEX24 } from './ids.js';
import { checkpointLinks, clusterPath, listLinks } from './links.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, listQuery, ListQuerySchema, type ItemQueryText, type ListQueryText } from './query.js';
import { renderJson, type Json } from './render.js';
import { resource } from './resource.js';

/** The two checkpoint operations of one API version. */
export function checkpointRoutes(app: FastifyInstance, store: Store, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/backupCheckpoints';

  resource(app, version, list, {
    GET: {
      paged: true,
      schema: { querystring: ListQuerySchema },
      handler: (request, reply) => {
        const params = request.params as ClusterParams;
        operations.respond(request, reply, params.groupId, () => {
          const query = listQuery(request.query as ListQueryText, request.url);
          const cluster = operations.cluster(request, params);
          const base = operations.base(request);
          const offset = (query.pageNum - 1) * query.itemsPerPage;
          const rows = offset < cluster.checkpointCount ? store.page(cluster, offset, query.itemsPerPage) : [];
          const results = rows.map((row) => checkpointView(row, (id) => checkpointLinks(version, base, params.groupId, cluster.name, id, false)));
          // With includeCount=false Atlas sends totalCount 0 and no next link (docs/fidelity.md).
          const hasNext = query.includeCount && offset + rows.length < cluster.checkpointCount;
          const links = listLinks({
            collection: `${base}${clusterPath(version, params.groupId, cluster.name)}/backupCheckpoints`,
            echo: query.echo,
            pageNum: query.pageNum,
            itemsPerPage: query.itemsPerPage,
            hasNext,
          });
          const totalCount = query.includeCount ? cluster.checkpointCount : 0;
          const page: Json = query.envelope ? { links, results, status: 200, totalCount } : { links, results, totalCount };
          return renderJson(page, query.pretty);
        });
      },
    },
  });

  resource(app, version, `${list}/:checkpointId`, {
    GET: {
      schema: { querystring: ItemQuerySchema },
      handler: (request, reply) => {
        const params = request.params as ClusterParams & { checkpointId: string };
        operations.respond(request, reply, params.groupId, () => {
          const query = itemQuery(request.query as ItemQueryText);
          const cluster = operations.cluster(request, params);
          if (!HEX24.test(params.checkpointId)) throw errors.invalidCheckpointId(params.checkpointId);
          const row = store.checkpoint(cluster, params.checkpointId);
          if (!row) throw errors.checkpointNotFound(params.checkpointId, cluster.name);
          const view = checkpointView(row, (id) => checkpointLinks(version, operations.base(request), params.groupId, cluster.name, id, true));
          return renderJson(query.envelope ? { content: view, status: 200 } : view, query.pretty);
        });
      },
    },
  });
}
