import type { FastifyInstance } from 'fastify';
import { assertCanRead } from '../auth/principal.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Store } from '../store/store.js';
import { RestoreJobRequestSchema } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import { clusterPath, entityLinks } from '../model/links.js';
import { listBody } from './list-page.js';
import type { Operations } from './operations.js';
import {
  ClusterParamsSchema,
  itemQuery,
  ItemQuerySchema,
  RestoreJobListQuerySchema,
  RestoreJobParamsSchema,
} from '../model/query-schemas.js';
import { answerItem, answerList } from './read-operations.js';
import { operation, resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
import { withLinks } from './views.js';

/** The restore job operations of one API version: list, get, create. */
export function restoreJobRoutes(app: FastifyInstance, store: Store, jobs: RestoreJobs, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/restoreJobs';

  resource(app, version, list, {
    GET: operation(
      { params: ClusterParamsSchema, querystring: RestoreJobListQuerySchema },
      (request, reply) => {
        // batchId: the jobs of one batch only (a well-formed id of no batch lists nothing).
        const { batchId } = request.query;
        answerList(operations, request, reply, 'restoreJobs', (cluster, now, base) => ({
          total: store.backup.restoreJobCount(cluster.rowid, { now, batchId }),
          items: (offset, limit) =>
            store.backup.restoreJobs(cluster.rowid, offset, limit, { now, batchId }).map((row) => jobs.view(row, now, base)),
          validUntil: store.backup.nextRestoreJobChange(cluster.rowid, now),
        }));
      },
      { paged: true },
    ),
    // Atlas answers the created jobs as a list (one per shard and config server of a sharded cluster).
    POST: operation({ params: ClusterParamsSchema, querystring: ItemQuerySchema, body: RestoreJobRequestSchema }, (request, reply) => {
      const { params } = request;
      const query = itemQuery(request.query);
      // An unacceptable Accept header is refused before anything changes.
      operations.contentType(request);
      const cluster = operations.cluster(request, params);
      const now = operations.clock.now();
      const created = store.write(() => {
        // A restore into another project needs access to that project too.
        const rows = jobs.create(cluster, request.body, now, (groupId) => assertCanRead(request, groupId));
        for (const row of rows) store.backup.putRestoreJob(cluster.rowid, row);
        return rows;
      });
      const base = operations.base(request);
      const results = created.map((row) => {
        const links = entityLinks(version, base, params.groupId, cluster.name, `restoreJobs/${row.id}`, false);
        return withLinks(jobs.view(row, now, base), links);
      });
      const links = [{ href: `${base}${clusterPath(version, params.groupId, cluster.name)}/restoreJobs`, rel: 'self' }];
      operations.send(request, reply, listBody(links, results, results.length, query.envelope), query.pretty);
    }),
  });

  resource(app, version, `${list}/:jobId`, {
    GET: operation({ params: RestoreJobParamsSchema, querystring: ItemQuerySchema }, (request, reply) => {
      const { groupId, jobId } = request.params;
      answerItem(operations, request, reply, (cluster, now) => {
        if (!HEX24.test(jobId)) throw errors.invalidRestoreJobId(jobId);
        const row = store.backup.restoreJob(cluster.rowid, jobId);
        // A job a fixture dates after now shows from its time on.
        if (!row || row.created > now) throw errors.restoreJobNotFound(jobId, cluster.name);
        const base = operations.base(request);
        const fields = withLinks(
          jobs.view(row, now, base),
          entityLinks(version, base, groupId, cluster.name, `restoreJobs/${row.id}`, true),
        );
        return { fields, validUntil: store.backup.nextRestoreJobChange(cluster.rowid, now) };
      });
    }),
  });
}
