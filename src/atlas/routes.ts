import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertCanRead, canRead } from '../auth/principal.js';
import { HEX24, CLUSTER_NAME } from '../seed/fixture-document.js';
import type { CheckpointStore, ClusterRecord } from '../store/checkpoint-store.js';
import { checkpointView } from './checkpoint-view.js';
import { errors } from './errors.js';
import { checkpointLinks, clusterPath, listLinks, type ApiVersion } from './links.js';
import { V1_CONTENT_TYPE, v2ContentType } from './media-type.js';
import type { PageCache } from './page-cache.js';
import { parseItemQuery, parseListQuery } from './query.js';
import { renderJson, type Json } from './render.js';

export interface CheckpointRoutesOptions {
  version: ApiVersion;
  store: CheckpointStore;
  cache: PageCache;
  publicUrl: string | undefined;
}

type ClusterParams = { groupId: string; clusterName: string };
type CheckpointParams = ClusterParams & { checkpointId: string };

export const LIST_PATH = '/groups/:groupId/clusters/:clusterName/backupCheckpoints';
export const ITEM_PATH = `${LIST_PATH}/:checkpointId`;

/** The two checkpoint operations under one API version prefix (/api/atlas/v1.0 or /api/atlas/v2). */
export async function checkpointRoutes(app: FastifyInstance, options: CheckpointRoutesOptions): Promise<void> {
  const { version, store, cache, publicUrl } = options;

  const contentTypeOf = (request: FastifyRequest): string =>
    version === 'v2' ? v2ContentType(request.headers.accept) : V1_CONTENT_TYPE;
  const baseOf = (request: FastifyRequest): string => publicUrl ?? `http://${request.headers.host ?? 'localhost'}`;

  // Checks in Atlas's order: project id, project, access, cluster, backup type.
  function resolveCluster(request: FastifyRequest, { groupId, clusterName }: ClusterParams): ClusterRecord {
    if (!HEX24.test(groupId)) throw errors.invalidGroupId(groupId);
    if (!store.project(groupId)) throw errors.groupNotFound(groupId);
    assertCanRead(request, groupId);
    const cluster = CLUSTER_NAME.test(clusterName) ? store.cluster(groupId, clusterName) : undefined;
    if (!cluster) throw errors.clusterNotFound(clusterName, groupId);
    if (cluster.backup === 'CLOUD') throw errors.checkpointsOnlyOnContinuousBackup();
    return cluster;
  }

  /** Answers from the cache when it can; else builds, caches and sends the body. */
  function respond(request: FastifyRequest, reply: FastifyReply, groupId: string, build: (contentType: string) => string): void {
    const contentType = contentTypeOf(request);
    const key = `${contentType} ${baseOf(request)}${request.url}`;
    // A cached page proves the request valid; only the caller's access to it remains to check.
    const cached = canRead(request.principal!, groupId) ? cache.get(key) : undefined;
    let body = cached;
    if (!body) {
      body = Buffer.from(build(contentType));
      cache.set(key, body);
    }
    reply.header('content-type', contentType).send(body);
  }

  app.get<{ Params: ClusterParams }>(LIST_PATH, (request, reply) => {
    respond(request, reply, request.params.groupId, () => {
      const query = parseListQuery(request.url);
      const { groupId } = request.params;
      const cluster = resolveCluster(request, request.params);
      const base = baseOf(request);
      const offset = (query.pageNum - 1) * query.itemsPerPage;
      const rows = offset < cluster.checkpointCount ? store.page(cluster, offset, query.itemsPerPage) : [];
      const results = rows.map((row) =>
        checkpointView(row, (id) => checkpointLinks(version, base, groupId, cluster.name, id, false)),
      );
      // With includeCount=false Atlas sends totalCount 0 and no next link (atlas-fidelity.md 3).
      const hasNext = query.includeCount && offset + rows.length < cluster.checkpointCount;
      const links = listLinks({
        collection: `${base}${clusterPath(version, groupId, cluster.name)}/backupCheckpoints`,
        echo: query.echo,
        pageNum: query.pageNum,
        itemsPerPage: query.itemsPerPage,
        hasNext,
      });
      const totalCount = query.includeCount ? cluster.checkpointCount : 0;
      const page: Json = query.envelope ? { links, results, status: 200, totalCount } : { links, results, totalCount };
      return renderJson(page, query.pretty);
    });
  });

  app.get<{ Params: CheckpointParams }>(ITEM_PATH, (request, reply) => {
    respond(request, reply, request.params.groupId, () => {
      const query = parseItemQuery(request.url);
      const { groupId, checkpointId } = request.params;
      const cluster = resolveCluster(request, request.params);
      if (!HEX24.test(checkpointId)) throw errors.invalidCheckpointId(checkpointId);
      const row = store.checkpoint(cluster, checkpointId);
      if (!row) throw errors.checkpointNotFound(checkpointId, cluster.name);
      const view = checkpointView(row, (id) => checkpointLinks(version, baseOf(request), groupId, cluster.name, id, true));
      return renderJson(query.envelope ? { content: view, status: 200 } : view, query.pretty);
    });
  });
}
