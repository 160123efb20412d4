import type { FastifyInstance } from 'fastify';
import { currentSchedule, segmentsOf } from '../backup/timeline.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { SCHEDULE_FIELDS, SchedulePatchSchema } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import { entityLinks } from '../model/links.js';
import { entity } from './list-page.js';
import type { Operations } from './operations.js';
import { ClusterParamsSchema, itemQuery, ItemQuerySchema } from '../model/query-schemas.js';
import { answerItem } from './read-operations.js';
import type { Json } from '../model/json.js';
import { operation, resource } from './resource.js';
import { withLinks } from './views.js';

/** The snapshot schedule of one API version: read it, change it (from now on, on a live cluster). */
export function scheduleRoutes(app: FastifyInstance, store: Store, operations: Operations): void {
  const { version } = operations;
  const path = '/groups/:groupId/clusters/:clusterName/snapshotSchedule';

  const view = (request: Parameters<Operations['base']>[0], cluster: ClusterRecord): Record<string, Json> => {
    const schedule = currentSchedule(segmentsOf(store.backup.schedules(cluster.rowid)));
    const fields: Record<string, Json> = { ...schedule, clusterId: cluster.clusterId, groupId: cluster.projectId };
    const sorted = Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((key) => [key, fields[key]!]),
    );
    return withLinks(sorted, entityLinks(version, operations.base(request), cluster.projectId, cluster.name, 'snapshotSchedule', true));
  };

  resource(app, version, path, {
    GET: operation({ params: ClusterParamsSchema, querystring: ItemQuerySchema }, (request, reply) => {
      answerItem(operations, request, reply, (cluster) => ({ fields: view(request, cluster), validUntil: Infinity }));
    }),
    PATCH: operation({ params: ClusterParamsSchema, querystring: ItemQuerySchema, body: SchedulePatchSchema }, (request, reply) => {
      const query = itemQuery(request.query);
      const change = request.body;
      // An unacceptable Accept header is refused before anything changes.
      operations.contentType(request);
      const cluster = operations.cluster(request, request.params);
      // The read-only ids may be sent back as read, never changed.
      if (change.clusterId !== undefined && change.clusterId !== cluster.clusterId) {
        throw errors.invalidAttribute('clusterId', `must be the cluster's clusterId ${cluster.clusterId}`);
      }
      if (change.groupId !== undefined && change.groupId !== cluster.projectId) {
        throw errors.invalidAttribute('groupId', `must be the project's id ${cluster.projectId}`);
      }
      const schedule = { ...currentSchedule(segmentsOf(store.backup.schedules(cluster.rowid))) };
      // A replica set may send back the value it read (the Go SDK always sends the field), never change it.
      const interval = change.clusterCheckpointIntervalMin;
      if (interval !== undefined && interval !== schedule.clusterCheckpointIntervalMin && cluster.type !== 'SHARDED') {
        throw errors.invalidAttribute('clusterCheckpointIntervalMin', 'applies to sharded clusters only');
      }
      for (const field of SCHEDULE_FIELDS) if (change[field] !== undefined) (schedule as Record<string, number>)[field] = change[field]!;
      store.write(() => {
        // On a live cluster the change applies from now on; what happened before keeps its schedule.
        if (cluster.live) store.backup.addSchedule(cluster.rowid, Math.max(operations.clock.now(), cluster.liveFrom ?? 0), schedule);
        else store.backup.resetSchedule(cluster.rowid, 0, schedule);
      });
      operations.send(request, reply, entity(view(request, cluster), query.envelope), query.pretty);
    }),
  });
}
