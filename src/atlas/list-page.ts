import type { FastifyRequest } from 'fastify';
import type { ClusterRecord } from '../store/store.js';
import { clusterPath, entityLinks, listLinks } from './links.js';
import type { ClusterParams, Operations } from './operations.js';
import { itemQuery, listQuery, type ListQuery, type ListQueryText } from './query.js';
import type { Json } from './render.js';
import type { Operation } from './resource.js';
import { withLinks } from './views.js';

/**
 * One page of a cluster's list (checkpoints, snapshots, restore jobs) as Atlas writes it:
 * links, results, totalCount; with includeCount=false Atlas sends totalCount 0 and no next
 * link (docs/fidelity.md); envelope=true adds the status.
 */
export function listPage(
  operations: Operations,
  request: FastifyRequest,
  where: { groupId: string; clusterName: string; collection: string },
  query: ListQuery,
  total: number,
  items: (offset: number, limit: number) => Json[],
): Json {
  const base = operations.base(request);
  const offset = (query.pageNum - 1) * query.itemsPerPage;
  const results = offset < total ? items(offset, query.itemsPerPage) : [];
  const links = listLinks({
    collection: `${base}${clusterPath(operations.version, where.groupId, where.clusterName)}/${where.collection}`,
    echo: query.echo,
    pageNum: query.pageNum,
    itemsPerPage: query.itemsPerPage,
    hasNext: query.includeCount && offset + results.length < total,
  });
  return listBody(links, results, query.includeCount ? total : 0, query.envelope);
}

/** A list body in Atlas's field order; envelope=true adds the status before the count. */
export const listBody = (links: Json, results: Json[], totalCount: number, envelope: boolean): Json =>
  envelope ? { links, results, status: 200, totalCount } : { links, results, totalCount };

/** One entity as Atlas writes it: alone, or in {content, status} with envelope=true. */
export const entity = (view: Json, envelope: boolean, status = 200): Json => (envelope ? { content: view, status } : view);

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
