import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClusterRecord } from '../store/store.js';
import { entityLinks } from '../model/links.js';
import { entity, listPage } from './list-page.js';
import type { Operations } from './operations.js';
import {
  itemQuery,
  listQuery,
  type ClusterParams,
  type ItemQueryText,
  type ListFilterText,
  type ListQueryText,
} from '../model/query-schemas.js';
import type { Json } from '../model/json.js';
import { withLinks } from './views.js';

// The reads every Legacy Backup resource has: the list of a cluster's collection and one
// entity. Both check in Atlas's order (project, access, cluster, backup type) before the
// resource's own checks, and answer from the page cache while what they read holds. Each
// takes the request as its route's schema types it: a cluster's path and a validated query.

/** What a cluster's collection holds at one moment: its size, a slice in Atlas's order, and until when that holds. */
export interface Listing {
  total: number;
  /** Entities without links (a JSON text or fields), each with its `id`. */
  items(offset: number, limit: number): (string | Record<string, Json>)[];
  validUntil: number;
}

/**
 * Answers the GET of a cluster's collection (`backupCheckpoints`, `snapshots`, `restoreJobs`):
 * Atlas's checks, paging, links and envelope around what `listing` finds, from the page cache
 * while the listing holds.
 */
export function answerList(
  operations: Operations,
  request: FastifyRequest & { params: ClusterParams; query: ListQueryText & ListFilterText },
  reply: FastifyReply,
  collection: string,
  listing: (cluster: ClusterRecord, now: number, base: string) => Listing,
  resource: 'checkpoints' | 'backup' = 'backup',
): void {
  const { params, query: text } = request;
  operations.respond(request, reply, params.groupId, itemQuery(text).pretty, () => {
    const query = listQuery(text, request.url);
    const cluster = operations.cluster(request, params, resource);
    const base = operations.base(request);
    const found = listing(cluster, operations.clock.now(), base);
    const linked = (item: string | Record<string, Json>) => {
      const fields = typeof item === 'string' ? (JSON.parse(item) as Record<string, Json>) : item;
      const links = entityLinks(operations.version, base, params.groupId, cluster.name, `${collection}/${fields.id as string}`, false);
      return withLinks(fields, links);
    };
    const where = { ...params, clusterName: cluster.name, collection };
    const page = listPage(operations, request, where, query, found.total, (offset, limit) => found.items(offset, limit).map(linked));
    return { body: page, validUntil: found.validUntil };
  });
}

/** What one entity read finds: its fields with their links, and until when they hold. */
export interface Found {
  fields: Record<string, Json>;
  validUntil: number;
}

/** Answers the GET of one entity of a cluster (a checkpoint, a snapshot, a restore job, the schedule). */
export function answerItem(
  operations: Operations,
  request: FastifyRequest & { params: ClusterParams; query: ItemQueryText },
  reply: FastifyReply,
  read: (cluster: ClusterRecord, now: number) => Found,
  resource: 'checkpoints' | 'backup' = 'backup',
): void {
  const { params } = request;
  const query = itemQuery(request.query);
  operations.respond(request, reply, params.groupId, query.pretty, () => {
    const { fields, validUntil } = read(operations.cluster(request, params, resource), operations.clock.now());
    return { body: entity(fields, query.envelope), validUntil };
  });
}
