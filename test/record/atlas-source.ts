import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startEmulator, type RunningEmulator } from '../../src/index.js';
import type { FixtureDocument } from '../../src/model/fixture-schema.js';
import type { RecordOptions } from '../../src/record/record-options.js';
import type { RecordIo } from '../../src/record/recorder.js';
import { V2_ACCEPT } from '../helpers/test-app.js';

// An emulator playing Atlas for the recorder: one project with a static sharded cluster holding
// more than a page (500) of checkpoints, snapshots and restore jobs (batches of four, created
// through the API and left finished, downloadable or in progress), a live replica set, a live
// sharded cluster and a cluster on Cloud Backup, on a frozen clock. And a reader that walks
// every list, page by page, and every item of an emulator, as raw answers.

export const GROUP = '5f1a2b3c4d5e6f7a8b9c0d1e';
export const CLUSTERS = ['Sharded0', 'Replica0', 'LiveSharded'];
export const CLOUD_CLUSTER = 'Cloud0';
const START = '2026-03-02T00:00:00Z';

export function sourceFixture(): FixtureDocument {
  return {
    projects: [
      {
        id: GROUP,
        name: 'Payments',
        clusters: [
          {
            name: 'Sharded0',
            clusterId: '5f1a2b3c4d5e6f7a8b9c0d2e',
            type: 'SHARDED',
            shards: 3,
            schedule: { pointInTimeWindowHours: 48, snapshotRetentionDays: 3 },
            generate: { count: 620, intervalMinutes: 360, snapshots: 510 },
            restoreJobs: [
              {
                id: '5f1a2b3c4d5e6f7a8b9c0e01',
                created: '2025-11-02T10:00:00Z',
                statusName: 'BROKEN',
                encryptionEnabled: true,
                masterKeyUUID: '9c1b2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
                pointInTimeUTCMillis: 1762077600000,
                timestamp: { date: '2025-11-02T10:00:00Z', increment: 1 },
                delivery: { methodName: 'CLIENT_PIT_HTTP', statusName: 'FAILED', expirationHours: 4, maxDownloads: 2 },
              },
            ],
          },
          {
            name: 'Replica0',
            clusterId: '5f1a2b3c4d5e6f7a8b9c0d3e',
            type: 'REPLICASET',
            live: true,
            liveFrom: '2026-02-20T00:00:00Z',
            schedule: { snapshotIntervalHours: 12 },
          },
          {
            name: 'LiveSharded',
            clusterId: '5f1a2b3c4d5e6f7a8b9c0d4e',
            type: 'SHARDED',
            shards: 2,
            live: true,
            liveFrom: '2026-02-25T00:00:00Z',
          },
          { name: CLOUD_CLUSTER, clusterId: '5f1a2b3c4d5e6f7a8b9c0d5e', backup: 'CLOUD' },
        ],
      },
    ],
  };
}

/** Signed reads (and writes) through inject(), with one service-account token; `host` makes links and download URLs alike. */
export class Reader {
  private token: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly host: string,
  ) {}

  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    accept = V2_ACCEPT,
  ): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> {
    if (this.token === undefined) {
      const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
      const res = await this.app.inject({
        method: 'POST',
        url: '/api/oauth/token',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
      });
      this.token = JSON.parse(res.body).access_token as string;
    }
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept, host: this.host };
    return this.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  }

  async json(url: string): Promise<any> {
    const res = await this.call('GET', url);
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body);
  }
}

const clusterUrl = (version: string, group: string, cluster: string) => `/api/atlas/${version}/groups/${group}/clusters/${cluster}`;
export const LISTS = [
  ['backupCheckpoints', ''],
  ['snapshots', 'completed=all&'],
  ['restoreJobs', ''],
] as const;

/** Every page of a list at `itemsPerPage`, parsed. */
export async function listPages(
  reader: Reader,
  group: string,
  cluster: string,
  collection: string,
  query = '',
  itemsPerPage = 500,
): Promise<any[]> {
  const pages = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = await reader.json(
      `${clusterUrl('v2', group, cluster)}/${collection}?${query}pageNum=${pageNum}&itemsPerPage=${itemsPerPage}`,
    );
    pages.push(page);
    if (!page.links.some((l: { rel: string }) => l.rel === 'next')) return pages;
  }
}

/**
 * The source's state: restore batches created through the API (from snapshots, from
 * checkpoints, automated into another cluster), finished by moving the clock, then a few more
 * left in progress; a snapshot kept for good, one deleted, a schedule changed.
 */
export async function startSource(): Promise<{ source: RunningEmulator; reader: Reader }> {
  const source = await startEmulator({ clock: START, logLevel: 'silent' });
  source.load(sourceFixture(), 'replace');
  const reader = new Reader(source.app, new URL(source.url).host);
  const sharded = clusterUrl('v2', GROUP, 'Sharded0');
  const snapshots = (await reader.json(`${sharded}/snapshots?completed=all&itemsPerPage=500`)).results;
  const checkpoints = (await reader.json(`${sharded}/backupCheckpoints?itemsPerPage=500`)).results;
  const post = async (body: object) => {
    const res = await reader.call('POST', `${sharded}/restoreJobs`, body);
    if (res.statusCode !== 200) throw new Error(`POST restoreJobs: ${res.statusCode} ${res.body}`);
  };
  for (let i = 0; i < 125; i++) {
    // Mostly from checkpoints: the emulator lists a cluster's snapshots to find one.
    const from = i % 25 === 0 ? { snapshotId: snapshots[i].id } : { checkpointId: checkpoints[i].id };
    if (i % 3 === 0) await post({ ...from, delivery: { methodName: 'HTTP', expirationHours: 4 + (i % 5) } });
    else if (i % 3 === 1) await post({ ...from, delivery: { methodName: 'HTTP', maxDownloads: 3 } });
    else await post({ ...from, delivery: { methodName: 'AUTOMATED_RESTORE', targetGroupId: GROUP, targetClusterName: 'Replica0' } });
  }
  source.clock.advance('PT20M');
  for (let i = 125; i < 127; i++) await post({ snapshotId: snapshots[i].id, delivery: { methodName: 'HTTP' } });
  await reader.call('PATCH', `${sharded}/snapshots/${snapshots[200].id}`, { doNotDelete: true });
  await reader.call('DELETE', `${sharded}/snapshots/${snapshots[201].id}`);
  await reader.call('PATCH', `${clusterUrl('v2', GROUP, 'LiveSharded')}/snapshotSchedule`, { clusterCheckpointIntervalMin: 30 });
  return { source, reader };
}

/**
 * What an emulator answers, raw: for each cluster, in both API versions, its schedule, every
 * page of each list and (in v2) the items of them.
 */
export async function answers(reader: Reader, group: string, clusters: string[]): Promise<string[]> {
  const out: string[] = [];
  const get = async (url: string, accept: string) => {
    const res = await reader.call('GET', url, undefined, accept);
    out.push(`${url} ${res.statusCode} ${res.headers['content-type']} ${res.body}`);
    return JSON.parse(res.body);
  };
  for (const cluster of clusters) {
    for (const [version, accept] of [
      ['v2', V2_ACCEPT],
      ['v1.0', 'application/json'],
    ] as const) {
      const base = clusterUrl(version, group, cluster);
      await get(`${base}/snapshotSchedule`, accept);
      for (const [collection, query] of LISTS) {
        for (let pageNum = 1; ; pageNum++) {
          const page = await get(`${base}/${collection}?${query}pageNum=${pageNum}&itemsPerPage=500`, accept);
          // Each item in v2; of a long list of snapshots a spread (the emulator lists a cluster's snapshots to find one).
          const every = collection === 'snapshots' ? Math.ceil(page.totalCount / 20) : 1;
          if (version === 'v2')
            for (const [i, item] of page.results.entries()) if (i % every === 0) await get(`${base}/${collection}/${item.id}`, accept);
          if (!page.links.some((l: { rel: string }) => l.rel === 'next')) break;
        }
      }
    }
  }
  return out;
}

/** A folder of its own for a test's files, removed after it. */
export function scratch(t: { teardown(fn: () => unknown): void }): { dir: string; files(): string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-record-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, files: () => readdirSync(dir).sort() };
}

/** Options reading the source as fast as it answers, with its default service account. */
export function recordOptions(source: RunningEmulator, out: string, more: Partial<RecordOptions> = {}): RecordOptions {
  return {
    source: source.url,
    sourceClientId: DEFAULT_CLIENT_ID,
    sourceClientSecret: DEFAULT_CLIENT_SECRET,
    group: GROUP,
    clusters: CLUSTERS,
    out,
    rate: 60_000,
    ...more,
  };
}

/** A clock that only sleeps move: no real waiting, and the description's date is the same every time. */
export function fakeTime(): Required<Pick<RecordIo, 'now' | 'sleep'>> & { sleeps: number[] } {
  let now = Date.UTC(2026, 2, 3);
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}
