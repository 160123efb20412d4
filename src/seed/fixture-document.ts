import { isAccessListEntry } from '../auth/access-list.js';

// The fixture document format (README "Fixtures"): projects, their clusters, and each
// cluster's checkpoints, listed explicitly or generated. validateFixture() turns untrusted
// JSON into a typed document or throws a FixtureError naming the place and the problem.

export const HEX24 = /^[a-f0-9]{24}$/;
export const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const PART_TYPES = ['REPLICA_SET', 'CONFIG_SERVER', 'CONFIG_SERVER_REPLICA_SET'] as const;
export const MAX_GENERATED = 10_000_000;

export interface BsonTimestamp {
  date: string;
  increment: number;
}
export interface CheckpointPart {
  replicaSetName?: string;
  shardName?: string;
  tokenDiscovered?: boolean;
  tokenTimestamp?: BsonTimestamp;
  typeName?: (typeof PART_TYPES)[number];
}
/** A checkpoint as Atlas shows it, less its links. */
export interface Checkpoint {
  clusterId?: string;
  completed?: string;
  groupId?: string;
  id: string;
  parts?: CheckpointPart[];
  restorable?: boolean;
  started?: string;
  timestamp: string;
}
export interface GenerateSpec {
  count: number;
  intervalMinutes?: number;
}
export interface ClusterFixture {
  name: string;
  clusterId: string;
  type: 'SHARDED' | 'REPLICASET';
  shards: number;
  backup: 'LEGACY' | 'CLOUD';
  checkpoints: Checkpoint[];
  generate?: GenerateSpec;
}
export interface ProjectFixture {
  id: string;
  name: string;
  clusters: ClusterFixture[];
}
/** The projects a credential may read: a list of project ids, or "*" for all. */
export type ProjectAccess = '*' | string[];
export interface ApiKeyFixture {
  publicKey: string;
  privateKey: string;
  projects: ProjectAccess;
  accessList?: string[];
}
export interface ServiceAccountFixture {
  clientId: string;
  clientSecret: string;
  projects: ProjectAccess;
  accessList?: string[];
}
export interface FixtureDocument {
  projects: ProjectFixture[];
  apiKeys?: ApiKeyFixture[];
  serviceAccounts?: ServiceAccountFixture[];
}

export class FixtureError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

type Obj = Record<string, unknown>;

function object(value: unknown, where: string, allowed: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FixtureError(where, 'must be an object');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new FixtureError(`${where}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return value as Obj;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new FixtureError(where, 'must be an array');
  return value;
}

function string(value: unknown, where: string, pattern?: RegExp, what?: string): string {
  if (typeof value !== 'string') throw new FixtureError(where, 'must be a string');
  if (pattern && !pattern.test(value)) throw new FixtureError(where, `must be ${what ?? `a string matching ${pattern.source}`}`);
  return value;
}

function dateTime(value: unknown, where: string): string {
  const text = string(value, where, DATE_TIME, 'a UTC date-time like 2018-02-08T23:19:37Z');
  if (Number.isNaN(Date.parse(text))) throw new FixtureError(where, 'is not a real date');
  return text;
}

function integer(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FixtureError(where, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new FixtureError(where, 'must be true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, where: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new FixtureError(where, `must be one of ${choices.join(', ')}`);
  return value as T;
}

function optional<T>(obj: Obj, key: string, where: string, read: (v: unknown, w: string) => T): T | undefined {
  return obj[key] === undefined ? undefined : read(obj[key], `${where}.${key}`);
}

/** Drops undefined fields, keeping key order (the literal's order is Atlas's alphabetical one). */
function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function part(value: unknown, where: string): CheckpointPart {
  const o = object(value, where, ['replicaSetName', 'shardName', 'tokenDiscovered', 'tokenTimestamp', 'typeName']);
  return defined({
    replicaSetName: optional(o, 'replicaSetName', where, (v, w) => string(v, w)),
    shardName: optional(o, 'shardName', where, (v, w) => string(v, w)),
    tokenDiscovered: optional(o, 'tokenDiscovered', where, boolean),
    tokenTimestamp: optional(o, 'tokenTimestamp', where, (v, w) => {
      const t = object(v, w, ['date', 'increment']);
      return { date: dateTime(t.date, `${w}.date`), increment: integer(t.increment, `${w}.increment`, 0, 2 ** 31 - 1) };
    }),
    typeName: optional(o, 'typeName', where, (v, w) => oneOf(v, w, PART_TYPES)),
  });
}

function checkpoint(value: unknown, where: string, groupId: string, clusterId: string): Checkpoint {
  const o = object(value, where, ['clusterId', 'completed', 'groupId', 'id', 'parts', 'restorable', 'started', 'timestamp']);
  if (o.clusterId !== undefined && o.clusterId !== clusterId) {
    throw new FixtureError(`${where}.clusterId`, `must be the cluster's clusterId ${clusterId} when given`);
  }
  if (o.groupId !== undefined && o.groupId !== groupId) {
    throw new FixtureError(`${where}.groupId`, `must be the project's id ${groupId} when given`);
  }
  return defined({
    clusterId,
    completed: optional(o, 'completed', where, dateTime),
    groupId,
    id: string(o.id, `${where}.id`, HEX24, 'a 24-hexadecimal-digit id'),
    parts: optional(o, 'parts', where, (v, w) => array(v, w).map((p, i) => part(p, `${w}[${i}]`))),
    restorable: optional(o, 'restorable', where, boolean),
    started: optional(o, 'started', where, dateTime),
    timestamp: dateTime(o.timestamp, `${where}.timestamp`),
  });
}

function cluster(value: unknown, where: string, groupId: string): ClusterFixture {
  const o = object(value, where, ['name', 'clusterId', 'type', 'shards', 'backup', 'checkpoints', 'generate']);
  const name = string(o.name, `${where}.name`, CLUSTER_NAME, 'a cluster name matching ^[a-zA-Z0-9][a-zA-Z0-9-]*$');
  if (name.length > 64) throw new FixtureError(`${where}.name`, 'must be at most 64 characters');
  const clusterId = string(o.clusterId, `${where}.clusterId`, HEX24, 'a 24-hexadecimal-digit id');
  const type = o.type === undefined ? 'SHARDED' : oneOf(o.type, `${where}.type`, ['SHARDED', 'REPLICASET'] as const);
  const shards = type === 'REPLICASET' ? 1 : o.shards === undefined ? 2 : integer(o.shards, `${where}.shards`, 1, 100);
  const backup = o.backup === undefined ? 'LEGACY' : oneOf(o.backup, `${where}.backup`, ['LEGACY', 'CLOUD'] as const);
  const checkpoints =
    o.checkpoints === undefined
      ? []
      : array(o.checkpoints, `${where}.checkpoints`).map((c, i) => checkpoint(c, `${where}.checkpoints[${i}]`, groupId, clusterId));
  const seen = new Set<string>();
  checkpoints.forEach((c, i) => {
    if (seen.has(c.id)) throw new FixtureError(`${where}.checkpoints[${i}].id`, `duplicates checkpoint ${c.id}`);
    seen.add(c.id);
  });
  const generate = optional(o, 'generate', where, (v, w) => {
    const g = object(v, w, ['count', 'intervalMinutes']);
    const spec: GenerateSpec = { count: integer(g.count, `${w}.count`, 0, MAX_GENERATED) };
    if (g.intervalMinutes !== undefined) spec.intervalMinutes = integer(g.intervalMinutes, `${w}.intervalMinutes`, 1, 525_600);
    return spec;
  });
  if (backup === 'CLOUD' && (checkpoints.length > 0 || (generate?.count ?? 0) > 0)) {
    throw new FixtureError(where, 'a cluster on Cloud Backup (backup: CLOUD) has no checkpoints');
  }
  return { name, clusterId, type, shards, backup, checkpoints, ...(generate ? { generate } : {}) };
}

function project(value: unknown, where: string): ProjectFixture {
  const o = object(value, where, ['id', 'name', 'clusters']);
  const id = string(o.id, `${where}.id`, HEX24, 'a 24-hexadecimal-digit id');
  const name = o.name === undefined ? `Project ${id}` : string(o.name, `${where}.name`);
  const clusters =
    o.clusters === undefined ? [] : array(o.clusters, `${where}.clusters`).map((c, i) => cluster(c, `${where}.clusters[${i}]`, id));
  const names = new Set<string>();
  clusters.forEach((c, i) => {
    if (names.has(c.name)) throw new FixtureError(`${where}.clusters[${i}].name`, `duplicates cluster ${c.name}`);
    names.add(c.name);
  });
  return { id, name, clusters };
}

// Identifiers travel in Digest's quoted username and before HTTP Basic's colon; secrets are hashed.
const CREDENTIAL_ID = /^[A-Za-z0-9._~@+-]{1,128}$/;
const SECRET = /^[\x21-\x7e]{1,256}$/;

function projectAccess(value: unknown, where: string): ProjectAccess {
  if (value === '*') return '*';
  if (!Array.isArray(value)) throw new FixtureError(where, 'must be "*" (every project) or an array of project ids');
  return [...new Set(value.map((id, i) => string(id, `${where}[${i}]`, HEX24, 'a 24-hexadecimal-digit project id')))];
}

function accessList(value: unknown, where: string): string[] {
  return array(value, where).map((entry, i) => {
    const text = string(entry, `${where}[${i}]`);
    if (!isAccessListEntry(text)) throw new FixtureError(`${where}[${i}]`, 'must be an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128');
    return text;
  });
}

function credentials<T>(value: unknown, where: string, idField: string, secretField: string, make: (id: string, secret: string, projects: ProjectAccess, list?: string[]) => T): T[] {
  const seen = new Set<string>();
  return array(value, where).map((item, i) => {
    const w = `${where}[${i}]`;
    const o = object(item, w, [idField, secretField, 'projects', 'accessList']);
    const id = string(o[idField], `${w}.${idField}`, CREDENTIAL_ID, '1 to 128 letters, digits or ._~@+-');
    if (seen.has(id)) throw new FixtureError(`${w}.${idField}`, `duplicates ${id}`);
    seen.add(id);
    const secret = string(o[secretField], `${w}.${secretField}`, SECRET, '1 to 256 printable ASCII characters without spaces');
    return make(id, secret, projectAccess(o.projects, `${w}.projects`), optional(o, 'accessList', w, accessList));
  });
}

export function validateFixture(value: unknown): FixtureDocument {
  const o = object(value, '$', ['$schema', 'description', 'projects', 'apiKeys', 'serviceAccounts']);
  const projects = o.projects === undefined ? [] : array(o.projects, '$.projects').map((p, i) => project(p, `$.projects[${i}]`));
  const ids = new Set<string>();
  projects.forEach((p, i) => {
    if (ids.has(p.id)) throw new FixtureError(`$.projects[${i}].id`, `duplicates project ${p.id}`);
    ids.add(p.id);
  });
  const document: FixtureDocument = { projects };
  if (o.apiKeys !== undefined) {
    document.apiKeys = credentials(o.apiKeys, '$.apiKeys', 'publicKey', 'privateKey', (publicKey, privateKey, access, list) =>
      defined({ publicKey, privateKey, projects: access, accessList: list }),
    );
  }
  if (o.serviceAccounts !== undefined) {
    document.serviceAccounts = credentials(o.serviceAccounts, '$.serviceAccounts', 'clientId', 'clientSecret', (clientId, clientSecret, access, list) =>
      defined({ clientId, clientSecret, projects: access, accessList: list }),
    );
  }
  return document;
}
