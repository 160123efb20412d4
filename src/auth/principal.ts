import type { FastifyRequest } from 'fastify';
import { errors } from '../model/errors.js';
import type { ProjectAccess } from '../model/fixture-schema.js';
import { AccessList } from '../lib/access-list.js';
import { logAuthFailure } from './failure.js';

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

/** Atlas's 401 for a valid credential reading a project it is not a member of (README "Authentication"). */
export function assertCanRead(request: FastifyRequest, groupId: string): void {
  const principal = request.principal!;
  if (canRead(principal, groupId)) return;
  logAuthFailure(request, 'no_project_access', { [principal.kind]: principal.id, groupId });
  throw errors.cannotAccessGroup();
}
