import type { FastifyRequest } from 'fastify';
import { canRead } from '../model/authentication.js';
import { errors } from '../model/errors.js';
import { logAuthFailure } from './failure.js';

/**
 * Project access: Atlas's 401 for a valid credential reading a project it is not a member of
 * (README "Authentication"). Each operation asks it at its place in Atlas's order of checks
 * (after the project's existence, before the cluster's), and a restore into another project
 * asks it of that project too: it belongs to the operation, not to a hook before it.
 */
export function assertCanRead(request: FastifyRequest, groupId: string): void {
  const principal = request.principal!;
  if (canRead(principal, groupId)) return;
  logAuthFailure(request, 'no_project_access', { [principal.kind]: principal.id, groupId });
  throw errors.cannotAccessGroup();
}
