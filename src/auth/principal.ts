/** Who a request authenticated as, and which projects it may read ('*': all). */
export interface Principal {
  kind: 'apiKey' | 'serviceAccount';
  id: string;
  projects: '*' | ReadonlySet<string>;
}

export function canRead(principal: Principal, groupId: string): boolean {
  return principal.projects === '*' || principal.projects.has(groupId);
}
