import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertCanRead, canRead } from '../auth/principal.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { errors } from './errors.js';
import { CLUSTER_NAME, HEX24 } from './ids.js';
import type { ApiVersion } from './links.js';
import { V1_CONTENT_TYPE, v2ContentType } from './media-type.js';
import type { PageCache } from './page-cache.js';

// What every Atlas operation of one API version does around its own work: find the project and
// cluster in Atlas's order of checks, pick the content type, and answer from the page cache.

export type ClusterParams = { groupId: string; clusterName: string };

export class Operations {
  constructor(
    readonly version: ApiVersion,
    private readonly store: Store,
    private readonly cache: PageCache,
    private readonly publicUrl: string | undefined,
  ) {}

  contentType(request: FastifyRequest): string {
    return this.version === 'v2' ? v2ContentType(request.headers.accept) : V1_CONTENT_TYPE;
  }

  /** The base URL of links: ATLAS_EMU_PUBLIC_URL, else the request's own. */
  base(request: FastifyRequest): string {
    return this.publicUrl ?? `http://${request.headers.host ?? 'localhost'}`;
  }

  /** Checks in Atlas's order: project id, project, access, cluster, backup type. */
  cluster(request: FastifyRequest, { groupId, clusterName }: ClusterParams): ClusterRecord {
    if (!HEX24.test(groupId)) throw errors.invalidGroupId(groupId);
    if (!this.store.project(groupId)) throw errors.groupNotFound(groupId);
    assertCanRead(request, groupId);
    const cluster = CLUSTER_NAME.test(clusterName) ? this.store.cluster(groupId, clusterName) : undefined;
    if (!cluster) throw errors.clusterNotFound(clusterName, groupId);
    if (cluster.backup === 'CLOUD') throw errors.checkpointsOnlyOnContinuousBackup();
    return cluster;
  }

  /** Answers a read from the cache when it can; else builds, caches and sends the body. */
  respond(request: FastifyRequest, reply: FastifyReply, groupId: string, build: () => string): void {
    const contentType = this.contentType(request);
    const key = `${contentType} ${this.base(request)}${request.url}`;
    // A cached page proves the request valid; only the caller's access to it remains to check.
    let body = canRead(request.principal!, groupId) ? this.cache.get(key) : undefined;
    if (!body) {
      body = Buffer.from(build());
      this.cache.set(key, body);
    }
    reply.header('content-type', contentType).send(body);
  }
}
