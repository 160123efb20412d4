import type { FastifyInstance } from 'fastify';
import { assertCanRead } from '../auth/principal.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Store } from '../store/store.js';
import { RestoreJobRequestSchema, type RestoreJobRequest } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import { clusterPath, entityLinks } from '../model/links.js';
import { listBody } from './list-page.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, ListQuerySchema, type ItemQueryText } from '../model/query-schemas.js';
import { itemOperation, listOperation } from './read-operations.js';
import { resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
import { withLinks } from './views.js';

type JobParams = ClusterParams & { jobId: string };

/** The restore job operations of one API version: list, get, create. */
export function restoreJobRoutes(app: FastifyInstance, store: Store, jobs: RestoreJobs, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/restoreJobs';

  resource(app, version, list, {
    GET: listOperation(operations, 'restoreJobs', ListQuerySchema, (cluster, now, _text, base) => ({
      total: store.backup.restoreJobCount(cluster.rowid),
      items: (offset, limit) => store.backup.restoreJobs(cluster.rowid, offset, limit).map((row) => jobs.view(row, now, base)),
      validUntil: store.backup.nextRestoreJobChange(cluster.rowid, now),
    })),
    // Atlas answers the created jobs as a list (one per shard and config server of a sharded cluster).
    POST: {
      schema: { querystring: ItemQuerySchema, body: RestoreJobRequestSchema },
      handler: (request, reply) => {
        const params = request.params as ClusterParams;
        const query = itemQuery(request.query as ItemQueryText);
        // An unacceptable Accept header is refused before anything changes.
        operations.contentType(request);
        const cluster = operations.cluster(request, params);
        const now = operations.clock.now();
        const created = store.write(() => {
          // A restore into another project needs access to that project too.
          const rows = jobs.create(cluster, request.body as RestoreJobRequest, now, (groupId) => assertCanRead(request, groupId));
          for (const row of rows) store.backup.putRestoreJob(cluster.rowid, row);
          return rows;
        });
        const base = operations.base(request);
        const results = created.map((row) => withLinks(jobs.view(row, now, base), entityLinks(version, base, params.groupId, cluster.name, `restoreJobs/${row.id}`, false)));
        const links = [{ href: `${base}${clusterPath(version, params.groupId, cluster.name)}/restoreJobs`, rel: 'self' }];
        operations.send(request, reply, listBody(links, results, results.length, query.envelope), query.pretty);
      },
    },
  });

  resource(app, version, `${list}/:jobId`, {
    GET: itemOperation<JobParams>(operations, (request, params, cluster, now) => {
      if (!HEX24.test(params.jobId)) throw errors.invalidRestoreJobId(params.jobId);
      const row = store.backup.restoreJob(cluster.rowid, params.jobId);
      if (!row) throw errors.restoreJobNotFound(params.jobId, cluster.name);
      const base = operations.base(request);
      const fields = withLinks(jobs.view(row, now, base), entityLinks(version, base, params.groupId, cluster.name, `restoreJobs/${row.id}`, true));
      return { fields, validUntil: store.backup.nextRestoreJobChange(cluster.rowid, now) };
    }),
  });
}
