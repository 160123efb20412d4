import type { FastifyRequest } from 'fastify';
import type { ClusterRecord } from '../store/store.js';
import { entityLinks } from '../model/links.js';
import { entity, listPage } from './list-page.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, ItemQuerySchema, listQuery, type ItemQueryText, type ListQueryText } from '../model/query-schemas.js';
import type { Json } from '../model/json.js';
import type { Operation } from './resource.js';
import { withLinks } from './views.js';

// The reads every Legacy Backup resource has: the list of a cluster's collection and one
// entity. Both check in Atlas's order (project, access, cluster, backup type) before the
// resource's own checks, and answer from the page cache while what they read holds.

/** What a cluster's collection holds at one moment: its size, a slice in Atlas's order, and until when that holds. */
export interface Listing {
  total: number;
  /** Entities without links (a JSON text or fields), each with its `id`. */
  items(offset: number, limit: number): (string | Record<string, Json>)[];
  validUntil: number;
}

/**
 * The GET of a cluster's collection (`backupCheckpoints`, `snapshots`, `restoreJobs`): Atlas's
 * checks, paging, links and envelope around what `listing` finds, answered from the page cache
 * while the listing holds.
 */
export function listOperation<Text extends ListQueryText>(
  operations: Operations,
  collection: string,
  querystring: object,
  listing: (cluster: ClusterRecord, now: number, text: Text, base: string) => Listing,
  resource: 'checkpoints' | 'backup' = 'backup',
): Operation {
  return {
    paged: true,
    schema: { querystring },
    handler: (request, reply) => {
      const params = request.params as ClusterParams;
      const text = request.query as Text;
      operations.respond(request, reply, params.groupId, itemQuery(text).pretty, () => {
        const query = listQuery(text, request.url);
        const cluster = operations.cluster(request, params, resource);
        const base = operations.base(request);
        const found = listing(cluster, operations.clock.now(), text, base);
        const linked = (item: string | Record<string, Json>) => {
          const fields = typeof item === 'string' ? (JSON.parse(item) as Record<string, Json>) : item;
          return withLinks(fields, entityLinks(operations.version, base, params.groupId, cluster.name, `${collection}/${fields.id as string}`, false));
        };
        const where = { ...params, clusterName: cluster.name, collection };
        const page = listPage(operations, request, where, query, found.total, (offset, limit) => found.items(offset, limit).map(linked));
        return { body: page, validUntil: found.validUntil };
      });
    },
  };
}

/** What one entity read finds: its fields with their links, and until when they hold. */
export interface Found {
  fields: Record<string, Json>;
  validUntil: number;
}

/** The GET of one entity of a cluster (a checkpoint, a snapshot, a restore job, the schedule). */
export function itemOperation<Params extends ClusterParams>(
  operations: Operations,
  read: (request: FastifyRequest, params: Params, cluster: ClusterRecord, now: number) => Found,
  resource: 'checkpoints' | 'backup' = 'backup',
): Operation {
  return {
    schema: { querystring: ItemQuerySchema },
    handler: (request, reply) => {
      const params = request.params as Params;
      const query = itemQuery(request.query as ItemQueryText);
      operations.respond(request, reply, params.groupId, query.pretty, () => {
        const { fields, validUntil } = read(request, params, operations.cluster(request, params, resource), operations.clock.now());
        return { body: entity(fields, query.envelope), validUntil };
      });
    },
  };
}
