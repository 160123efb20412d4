import { errors } from '../model/errors.js';
import type { ApiVersion } from '../model/links.js';

// Versioned media types of the v2 API. This resource has one version, 2023-01-01; a later
// requested date resolves to the newest version not after it (Atlas's documented rule for
// versioned resources). v1.0 always answers application/json.
const RESOURCE_VERSIONS = ['2023-01-01'] as const;
const VERSIONED = /^application\/vnd\.atlas\.(\d{4})-(\d{2})-(\d{2})\+json$/;

export const V1_CONTENT_TYPE = 'application/json';
export const ERROR_CONTENT_TYPE = 'application/json';

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The resource version an Accept header selects, or undefined when it selects none. */
export function resolveVersion(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  let best: string | undefined;
  for (const range of accept.split(',')) {
    const match = VERSIONED.exec(range.split(';', 1)[0]!.trim().toLowerCase());
    if (!match) continue;
    const [, y, m, d] = match;
    if (!isCalendarDate(Number(y), Number(m), Number(d))) continue;
    const requested = `${y}-${m}-${d}`;
    const version = RESOURCE_VERSIONS.filter((v) => v <= requested).at(-1);
    if (version && (!best || version > best)) best = version;
  }
  return best;
}

/** Content-Type of a successful response under an API version; undefined where v2's Accept selects no resource version. */
export function responseContentType(apiVersion: ApiVersion, accept: string | undefined): string | undefined {
  if (apiVersion !== 'v2') return V1_CONTENT_TYPE;
  const version = resolveVersion(accept);
  return version && `application/vnd.atlas.${version}+json;charset=utf-8`;
}

/** The media type v2 serves now (the newest resource version). */
const SERVED = `application/vnd.atlas.${RESOURCE_VERSIONS.at(-1)}+json`;

/** Content-Type of a successful response, or a 406 INVALID_VERSION_DATE error. */
export function contentTypeOrRefusal(apiVersion: ApiVersion, accept: string | undefined): string {
  const contentType = responseContentType(apiVersion, accept);
  if (contentType === undefined) throw errors.invalidVersionDate(accept, SERVED);
  return contentType;
}
