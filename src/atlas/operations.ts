import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertCanRead } from '../auth/principal.js';
import type { Clock } from '../lib/clock.js';
import { canRead } from '../model/authentication.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { errors } from '../model/errors.js';
import type { ApiVersion } from '../model/links.js';
import { sendAtlas } from '../http/atlas-reply.js';
import { contentTypeOrRefusal } from '../http/media-type.js';
import type { PageCache } from '../http/page-cache.js';
import { renderJson, type Json } from '../model/json.js';
import { CLUSTER_NAME, HEX24 } from '../model/value-schemas.js';

// What every Atlas operation of one API version does around its own work: find the project and
// cluster in Atlas's order of checks (project access among them), pick the content type, render
// the body, and answer reads from the page cache.

export type ClusterParams = { groupId: string; clusterName: string };

/** The base URL of links: ATLAS_EMU_PUBLIC_URL, else the request's own. */
function baseUrl(publicUrl: string | undefined, host: string | undefined): string {
  return publicUrl ?? `http://${host ?? 'localhost'}`;
}

/** The page cache's key of a read: everything that shapes its bytes (content type, base URL, request-target). */
export function pageKey(contentType: string, publicUrl: string | undefined, host: string | undefined, url: string): string {
  return `${contentType} ${baseUrl(publicUrl, host)}${url}`;
}

/** A rendered read and until when the emulator clock leaves it as it is. */
export interface Built {
  body: Json;
  validUntil: number;
}

export class Operations {
  constructor(
    readonly version: ApiVersion,
    private readonly store: Store,
    private readonly cache: PageCache,
    private readonly publicUrl: string | undefined,
    readonly clock: Clock,
  ) {}

  contentType(request: FastifyRequest): string {
    return contentTypeOrRefusal(this.version, request.headers.accept);
  }

  /** The base URL of this request's links (baseUrl). */
  base(request: FastifyRequest): string {
    return baseUrl(this.publicUrl, request.headers.host);
  }

  /**
   * Checks in Atlas's order: project id, project, access, cluster, backup type. Checkpoints
   * and the other Legacy Backup resources refuse a cluster on Cloud Backup in their own words.
   */
  cluster(request: FastifyRequest, { groupId, clusterName }: ClusterParams, resource: 'checkpoints' | 'backup' = 'backup'): ClusterRecord {
    if (!HEX24.test(groupId)) throw errors.invalidGroupId(groupId);
    if (!this.store.project(groupId)) throw errors.groupNotFound(groupId);
    assertCanRead(request, groupId);
    const cluster = CLUSTER_NAME.test(clusterName) ? this.store.cluster(groupId, clusterName) : undefined;
    if (!cluster) throw errors.clusterNotFound(clusterName, groupId);
    if (cluster.backup === 'CLOUD')
      throw resource === 'checkpoints'
        ? errors.checkpointsOnlyOnContinuousBackup(cluster.name)
        : errors.legacyBackupNotEnabled(cluster.name);
    return cluster;
  }

  /**
   * Answers a read from the cache while it holds; else builds, caches and sends the body.
   */
  respond(request: FastifyRequest, reply: FastifyReply, groupId: string, pretty: boolean, build: () => Built): void {
    const contentType = this.contentType(request);
    const key = pageKey(contentType, this.publicUrl, request.headers.host, request.url);
    const now = this.clock.now();
    // A cached page proves the request valid; only the caller's access to it remains to check.
    let body = canRead(request.principal!, groupId) ? this.cache.get(key, now) : undefined;
    if (!body) {
      const built = build();
      body = Buffer.from(renderJson(built.body, pretty));
      this.cache.set(key, body, built.validUntil);
    }
    sendAtlas(reply, 200, contentType, body);
  }

  /** Answers a write: never cached. */
  send(request: FastifyRequest, reply: FastifyReply, body: Json, pretty: boolean, status = 200): void {
    sendAtlas(reply, status, this.contentType(request), Buffer.from(renderJson(body, pretty)));
  }
}
