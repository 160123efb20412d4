import type { Json } from './json.js';

// Link relations as Atlas writes them (docs/fidelity.md): list links carry the
// client's other parameters first, then self ends `pageNum=N&itemsPerPage=M` while next and
// previous end `itemsPerPage=M&pageNum=K`.

export const API_VERSIONS = ['v1.0', 'v2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export type Link = { href: string; rel: string };

const REL_PREFIX: Record<ApiVersion, string> = {
  'v1.0': 'http://mms.mongodb.com/',
  v2: 'https://cloud.mongodb.com/',
};

export function groupPath(version: ApiVersion, groupId: string): string {
  return `/api/atlas/${version}/groups/${groupId}`;
}

export function clusterPath(version: ApiVersion, groupId: string, clusterName: string): string {
  return `${groupPath(version, groupId)}/clusters/${encodeURIComponent(clusterName)}`;
}

export interface PageLinkInput {
  collection: string;
  echo: string;
  pageNum: number;
  itemsPerPage: number;
  hasNext: boolean;
}

export function listLinks({ collection, echo, pageNum, itemsPerPage, hasNext }: PageLinkInput): Link[] {
  const links: Link[] = [{ href: `${collection}?${echo}pageNum=${pageNum}&itemsPerPage=${itemsPerPage}`, rel: 'self' }];
  if (pageNum > 1) links.push({ href: `${collection}?${echo}itemsPerPage=${itemsPerPage}&pageNum=${pageNum - 1}`, rel: 'previous' });
  if (hasNext) links.push({ href: `${collection}?${echo}itemsPerPage=${itemsPerPage}&pageNum=${pageNum + 1}`, rel: 'next' });
  return links;
}

/**
 * The links of one entity of a cluster (`resource`: backupCheckpoints/<id>, snapshots/<id>,
 * restoreJobs/<id>, snapshotSchedule): self, plus its cluster and project when shown on its own.
 */
export function entityLinks(
  version: ApiVersion,
  base: string,
  groupId: string,
  clusterName: string,
  resource: string,
  standalone: boolean,
): Json {
  const cluster = `${base}${clusterPath(version, groupId, clusterName)}`;
  const links: Link[] = [{ href: `${cluster}/${resource}`, rel: 'self' }];
  if (standalone) {
    links.push({ href: cluster, rel: `${REL_PREFIX[version]}cluster` });
    links.push({ href: `${base}${groupPath(version, groupId)}`, rel: `${REL_PREFIX[version]}group` });
  }
  return links;
}
