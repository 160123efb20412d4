import type { FastifyInstance } from 'fastify';
import type { Snapshots } from '../backup/snapshots.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { SnapshotPatchSchema, type SnapshotPatch } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import { entityLinks } from '../model/links.js';
import { entity } from './list-page.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, SnapshotListQuerySchema, type ItemQueryText, type SnapshotListQueryText } from '../model/query-schemas.js';
import { itemOperation, listOperation } from './read-operations.js';
import { resource } from './resource.js';
import { HEX24 } from '../model/value-schemas.js';
import { withLinks } from './views.js';

type SnapshotParams = ClusterParams & { snapshotId: string };

/** The snapshot operations of one API version: list, get, change the expiry, delete. */
export function snapshotRoutes(app: FastifyInstance, store: Store, snapshots: Snapshots, operations: Operations): void {
  const { version } = operations;
  const list = '/groups/:groupId/clusters/:clusterName/snapshots';

  resource(app, version, list, {
    GET: listOperation<SnapshotListQueryText>(operations, 'snapshots', SnapshotListQuerySchema, (cluster, now, text) => {
      const { snapshots: all, validUntil } = snapshots.list(cluster, now);
      const shown = text.completed === 'all' ? all : all.filter((s) => s.complete === (text.completed === 'true'));
      return { total: shown.length, items: (offset, limit) => shown.slice(offset, offset + limit).map((s) => s.view()), validUntil };
    }),
  });

  /** The snapshot a request names on its cluster (checked before), in Atlas's order of checks. */
  const find = (cluster: ClusterRecord, params: SnapshotParams, now: number) => {
    if (!HEX24.test(params.snapshotId)) throw errors.invalidSnapshotId(params.snapshotId);
    const snapshot = snapshots.get(cluster, now, params.snapshotId);
    if (!snapshot) throw errors.snapshotNotFound(params.snapshotId, cluster.name);
    return snapshot;
  };
  const links = (request: Parameters<Operations['cluster']>[0], params: SnapshotParams, clusterName: string) =>
    entityLinks(version, operations.base(request), params.groupId, clusterName, `snapshots/${params.snapshotId}`, true);

  resource(app, version, `${list}/:snapshotId`, {
    GET: itemOperation<SnapshotParams>(operations, (request, params, cluster, now) => {
      const snapshot = find(cluster, params, now);
      return { fields: withLinks(snapshot.view(), links(request, params, cluster.name)), validUntil: snapshots.list(cluster, now).validUntil };
    }),
    PATCH: {
      schema: { querystring: ItemQuerySchema, body: SnapshotPatchSchema },
      handler: (request, reply) => {
        const params = request.params as SnapshotParams;
        const query = itemQuery(request.query as ItemQueryText);
        const change = request.body as SnapshotPatch;
        // An unacceptable Accept header is refused before anything changes.
        operations.contentType(request);
        const now = operations.clock.now();
        const cluster = operations.cluster(request, params);
        const snapshot = find(cluster, params, now);
        // Atlas: "You can't set doNotDelete: true and set a timestamp for expires in the same request."
        if (change.doNotDelete === true && change.expires !== undefined) throw errors.validationError('Cannot set doNotDelete to true and expires in the same request.');
        const expires = change.expires === undefined ? snapshot.expires : Date.parse(change.expires);
        if (change.expires !== undefined && expires! <= now) throw errors.invalidAttribute('expires', 'must be in the future');
        const doNotDelete = change.doNotDelete ?? snapshot.doNotDelete;
        store.write(() => store.backup.putSnapshot(cluster.rowid, { id: snapshot.id, ts: snapshot.ts, expires, doNotDelete, deleted: false, body: null }));
        const changed = snapshots.get(cluster, now, snapshot.id)!;
        operations.send(request, reply, entity(withLinks(changed.view(), links(request, params, cluster.name)), query.envelope), query.pretty);
      },
    },
    DELETE: {
      schema: { querystring: ItemQuerySchema },
      handler: (request, reply) => {
        const params = request.params as SnapshotParams;
        const cluster = operations.cluster(request, params);
        const snapshot = find(cluster, params, operations.clock.now());
        if (snapshot.doNotDelete) throw errors.validationError(`Snapshot ${snapshot.id} is marked doNotDelete and cannot be deleted.`);
        store.write(() => store.backup.putSnapshot(cluster.rowid, { id: snapshot.id, ts: snapshot.ts, expires: snapshot.expires, doNotDelete: false, deleted: true, body: null }));
        reply.code(204).send();
      },
    },
  });
}
