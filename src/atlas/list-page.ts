import type { FastifyRequest } from 'fastify';
import { clusterPath, listLinks } from '../model/links.js';
import type { Operations } from './operations.js';
import type { ListQuery } from '../model/query-schemas.js';
import type { Json } from '../model/json.js';

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
