import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Snapshots } from '../backup/snapshots.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { SnapshotPatchSchema } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import { entityLinks } from '../model/links.js';
import { entity } from './list-page.js';
import type { Operations } from './operations.js';
import {
  ClusterParamsSchema,
  itemQuery,
  ItemQuerySchema,
  SnapshotListQuerySchema,
  SnapshotParamsSchema,
  type SnapshotParams,
} from '../model/query-schemas.js';
import { answerItem, answerList } from './read-operations.js';
import { operation, resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
import { withLinks } from './views.js';

/** The snapshot operations of one API version: list, get, change the expiry, delete. */
export function snapshotRoutes(app: FastifyInstance, store: Store, snapshots: Snapshots, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/snapshots';

  resource(app, version, list, {
    GET: operation(
      { params: ClusterParamsSchema, querystring: SnapshotListQuerySchema },
      (request, reply) => {
        const { completed } = request.query;
        answerList(operations, request, reply, 'snapshots', (cluster, now) => {
          const { snapshots: all, validUntil } = snapshots.list(cluster, now);
          const shown = completed === 'all' ? all : all.filter((s) => s.complete === (completed === 'true'));
          return { total: shown.length, items: (offset, limit) => shown.slice(offset, offset + limit).map((s) => s.view()), validUntil };
        });
      },
      { paged: true },
    ),
  });

  /** The snapshot a request names on its cluster (checked before), in Atlas's order of checks. */
  const find = (cluster: ClusterRecord, params: SnapshotParams, now: number) => {
    if (!HEX24.test(params.snapshotId)) throw errors.invalidSnapshotId(params.snapshotId);
    const snapshot = snapshots.get(cluster, now, params.snapshotId);
    if (!snapshot) throw errors.snapshotNotFound(params.snapshotId, cluster.name);
    return snapshot;
  };
  const links = (request: FastifyRequest, params: SnapshotParams, clusterName: string) =>
    entityLinks(version, operations.base(request), params.groupId, clusterName, `snapshots/${params.snapshotId}`, true);
  const item = { params: SnapshotParamsSchema, querystring: ItemQuerySchema } as const;

  resource(app, version, `${list}/:snapshotId`, {
    GET: operation(item, (request, reply) => {
      answerItem(operations, request, reply, (cluster, now) => {
        const snapshot = find(cluster, request.params, now);
        return {
          fields: withLinks(snapshot.view(), links(request, request.params, cluster.name)),
          validUntil: snapshots.list(cluster, now).validUntil,
        };
      });
    }),
    PATCH: operation({ ...item, body: SnapshotPatchSchema }, (request, reply) => {
      const { params, body: change } = request;
      const query = itemQuery(request.query);
      // An unacceptable Accept header is refused before anything changes.
      operations.contentType(request);
      const now = operations.clock.now();
      const cluster = operations.cluster(request, params);
      const snapshot = find(cluster, params, now);
      // Atlas: "You can't set doNotDelete: true and set a timestamp for expires in the same request."
      if (change.doNotDelete === true && change.expires !== undefined) {
        throw errors.validationError('Cannot set doNotDelete to true and expires in the same request.');
      }
      const expires = change.expires === undefined ? snapshot.expires : Date.parse(change.expires);
      if (change.expires !== undefined && expires! <= now) throw errors.invalidAttribute('expires', 'must be in the future');
      const doNotDelete = change.doNotDelete ?? snapshot.doNotDelete;
      store.write(() =>
        store.backup.putSnapshot(cluster.rowid, { id: snapshot.id, ts: snapshot.ts, expires, doNotDelete, deleted: false, body: null }),
      );
      const changed = snapshots.get(cluster, now, snapshot.id)!;
      operations.send(
        request,
        reply,
        entity(withLinks(changed.view(), links(request, params, cluster.name)), query.envelope),
        query.pretty,
      );
    }),
    DELETE: operation(item, (request, reply) => {
      const { params } = request;
      const cluster = operations.cluster(request, params);
      const snapshot = find(cluster, params, operations.clock.now());
      if (snapshot.doNotDelete) throw errors.validationError(`Snapshot ${snapshot.id} is marked doNotDelete and cannot be deleted.`);
      const deleted = { id: snapshot.id, ts: snapshot.ts, expires: snapshot.expires, doNotDelete: false, deleted: true, body: null };
      store.write(() => store.backup.putSnapshot(cluster.rowid, deleted));
      reply.code(204).send();
    }),
  });
}
