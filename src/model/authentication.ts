import { AccessList } from '../lib/access-list.js';
import type { ProjectAccess } from './fixture-schema.js';

// What authentication decides about a request, as every layer above reads it: who the request
// authenticated as, or why authentication refused it.

/** Who a request authenticated as, which projects it may read ('*': all) and from where. */
export interface Principal {
  kind: 'apiKey' | 'serviceAccount';
  id: string;
  projects: '*' | ReadonlySet<string>;
  accessList: AccessList | undefined;
}

export function principalOf(kind: Principal['kind'], id: string, projects: ProjectAccess, accessList?: readonly string[]): Principal {
  return {
    kind,
    id,
    projects: projects === '*' ? '*' : new Set(projects),
    accessList: accessList ? new AccessList(accessList) : undefined,
  };
}

export function canRead(principal: Principal, groupId: string): boolean {
  return principal.projects === '*' || principal.projects.has(groupId);
}

/** Why a request was refused: logged (and journaled), never sent to the client. */
export type AuthFailureReason =
  | 'missing_credentials'
  | 'malformed_header'
  | 'duplicate_authorization'
  | 'realm_mismatch'
  | 'uri_mismatch'
  | 'bad_qop'
  | 'forged_nonce'
  | 'unknown_key'
  | 'bad_response'
  | 'stale_nonce'
  | 'nc_replay'
  | 'unknown_client'
  | 'bad_client_secret'
  | 'unknown_token'
  | 'token_expired'
  | 'token_revoked'
  | 'no_project_access'
  | 'ip_not_allowed';
