import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { recordCommand } from '../../src/command.js';
import { DEFAULT_CLIENT_ID, DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, record, RecordError, startEmulator } from '../../src/index.js';
import { freePort } from '../helpers/free-port.js';
import { CLOUD_CLUSTER, fakeTime, GROUP, scratch, sourceFixture } from './atlas-source.js';

// Every problem that ends a recording is one line (stdout and stderr together) and exit status
// 2, and leaves the previous file as it was, with no temporary file beside it. Progress goes to
// stderr on a terminal only.

const source = await startEmulator({ logLevel: 'silent', clock: '2026-03-02T00:00:00Z' });
source.load(sourceFixture(), 'replace');
t.teardown(() => source.close());
const { dir, files } = scratch(t);
const out = join(dir, 'out.json');
const PREVIOUS = '{"projects": []}\n';

/** A local server that is not Atlas, answering every request with `status` and `body`. */
async function notAtlas(status: number, type: string, body: string): Promise<string> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'content-type': type }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}, isTTY = false): Promise<Outcome> {
  const outcome = { status: -1, stdout: '', stderr: '' };
  const output = {
    stdout: { write: (text: string) => (outcome.stdout += text) },
    stderr: { isTTY, write: (text: string) => (outcome.stderr += text) },
  };
  outcome.status = await recordCommand(args, env, output, fakeTime());
  return outcome;
}

/** Options for recording from the source emulator with its default keys. */
const sourceOptions = (clusters: string[], rate = 60_000) => ({
  source: source.url,
  sourcePublicKey: DEFAULT_PUBLIC_KEY,
  sourcePrivateKey: DEFAULT_PRIVATE_KEY,
  group: GROUP,
  clusters,
  out,
  rate,
});

const KEY = { ATLAS_EMU_SOURCE_PUBLIC_KEY: DEFAULT_PUBLIC_KEY, ATLAS_EMU_SOURCE_PRIVATE_KEY: DEFAULT_PRIVATE_KEY };
const args = (more: string[], { source: from = source.url, group = GROUP, cluster = 'Replica0', to = out } = {}) => [
  '--source',
  from,
  '--group',
  group,
  '--cluster',
  cluster,
  '--out',
  to,
  '--rate',
  '60000',
  ...more,
];

t.test('each problem: one line, exit status 2, the previous file left as it was', async (t) => {
  const html = await notAtlas(200, 'text/html', '<!doctype html><title>Welcome</title>');
  const missing = await notAtlas(404, 'text/plain', 'Not Found');
  const closed = await freePort();
  mkdirSync(join(dir, 'folder'));
  const cases: [string, string[], NodeJS.ProcessEnv, string][] = [
    ['no group', ['--cluster', 'Replica0', '--out', out], KEY, '--group is required: the project (group) id to record'],
    [
      'no credentials',
      args([]),
      {},
      "the source's credentials are required: --source-public-key and --source-private-key, or --source-client-id and --source-client-secret",
    ],
    ['half a key pair', args(['--source-public-key', 'emulator']), {}, '--source-private-key is required with --source-public-key'],
    ['a malformed group id', args([], { group: '5f1a2b3c' }), KEY, '--group must be a project id of 24 hexadecimal digits, got "5f1a2b3c"'],
    ['a seed without --anonymize', args(['--seed', '3']), KEY, '--seed applies to --anonymize only'],
    [
      'credentials in the URL',
      args([], { source: 'http://emulator:secret@127.0.0.1:8080' }),
      KEY,
      "--source must not hold credentials: give them as the source's key pair or service account",
    ],
    [
      'an output folder that does not exist',
      args([], { to: join(dir, 'missing', 'out.json') }),
      KEY,
      `cannot write ${join(dir, 'missing', 'out.json')}: ENOENT in ${join(dir, 'missing')}`,
    ],
    ['an output path that is a folder', args([], { to: join(dir, 'folder') }), KEY, `cannot write ${join(dir, 'folder')}: it is a folder`],
    [
      'a wrong private key',
      args([]),
      { ...KEY, ATLAS_EMU_SOURCE_PRIVATE_KEY: 'not-the-key' },
      'the source refused the API key pair (its public or private key is wrong, or it has been revoked)',
    ],
    [
      'a wrong public key',
      args([]),
      { ...KEY, ATLAS_EMU_SOURCE_PUBLIC_KEY: 'nobody' },
      'the source refused the API key pair (its public or private key is wrong, or it has been revoked)',
    ],
    [
      'a wrong client secret',
      args(['--source-client-id', DEFAULT_CLIENT_ID, '--source-client-secret', 'mdb_sa_sk_wrong']),
      {},
      'the source refused the service account (its client id or secret is wrong, or it has been revoked)',
    ],
    [
      'an unknown project',
      args([], { group: '5f1a2b3c4d5e6f7a8b9c0000' }),
      KEY,
      'the source has no project 5f1a2b3c4d5e6f7a8b9c0000 (GROUP_NOT_FOUND)',
    ],
    [
      'an unknown cluster',
      args([], { cluster: 'Nope' }),
      KEY,
      `the source has no cluster named Nope in project ${GROUP} (CLUSTER_NOT_FOUND)`,
    ],
    [
      'a cluster on Cloud Backup',
      args([], { cluster: CLOUD_CLUSTER }),
      KEY,
      `cluster ${CLOUD_CLUSTER} is on Cloud Backup: it has no Legacy Backup data to record (BACKUP_JOB_NOT_FOUND)`,
    ],
    ['an unreachable host', args([], { source: `http://127.0.0.1:${closed}` }), KEY, `cannot reach 127.0.0.1:${closed}: ECONNREFUSED`],
    ['TLS to a server without it', args([], { source: `https://${html}` }), KEY, `TLS failure with ${html}: ERR_SSL_WRONG_VERSION_NUMBER`],
    [
      'an HTML page',
      args([], { source: `http://${html}` }),
      KEY,
      `http://${html} does not answer as Atlas does (an HTML page (200) to GET /api/atlas/v2/groups/${GROUP}/clusters/Replica0/snapshotSchedule): is it Atlas's base URL?`,
    ],
    [
      'a 404 to the first call',
      args([], { source: `http://${missing}` }),
      KEY,
      `http://${missing} does not answer as Atlas does (404 without JSON to GET /api/atlas/v2/groups/${GROUP}/clusters/Replica0/snapshotSchedule): is it Atlas's base URL?`,
    ],
    [
      'a 404 to the token request',
      args(['--source-client-id', 'a', '--source-client-secret', 'b'], { source: `http://${missing}` }),
      {},
      `http://${missing} does not answer as Atlas does (404 to POST /api/oauth/token): is it Atlas's base URL?`,
    ],
  ];
  for (const [name, argv, env, line] of cases) {
    writeFileSync(out, PREVIOUS);
    const outcome = await run(argv, env);
    t.same(outcome, { status: 2, stdout: '', stderr: `atlas-backup-emulator record: ${line}\n` }, name);
    t.equal(readFileSync(out, 'utf8'), PREVIOUS, `${name}: the previous file as it was`);
    t.same(files(), ['folder', 'out.json'], `${name}: no temporary file`);
  }
});

t.test('a recording interrupted midway leaves the previous file', async (t) => {
  writeFileSync(out, PREVIOUS);
  const interrupt = new AbortController();
  const recording = record(sourceOptions(['Sharded0']), {
    ...fakeTime(),
    signal: interrupt.signal,
    progress: ({ pagesRead }) => pagesRead === 2 && interrupt.abort(),
  });
  await t.rejects(recording, new RecordError('interrupted: the previous file is left as it was'));
  t.equal(readFileSync(out, 'utf8'), PREVIOUS);
  t.same(files(), ['folder', 'out.json']);
});

t.test('progress on a terminal only; the result in one line on stdout', async (t) => {
  const quiet = await run(args([]), KEY);
  t.same(quiet, {
    status: 0,
    stdout: `recorded 1 cluster into ${out}: 0 checkpoints, 10 snapshots, 0 restore jobs (5 requests)\n`,
    stderr: '',
  });
  const terminal = await run(args([], { cluster: 'Sharded0' }), KEY, true);
  t.equal(terminal.status, 0);
  const updates = terminal.stderr.split('\r\x1b[K');
  t.same(
    updates.slice(0, 3),
    ['', 'recording: 1 of 4 pages read', 'recording: 2 of 5 pages read'],
    'pages read of pages known, the known ones growing',
  );
  t.equal(updates.at(-1), '', 'the line cleared at the end');
});

t.test('every option is also a variable; flags win', async (t) => {
  const env = {
    ...KEY,
    ATLAS_EMU_SOURCE: source.url,
    ATLAS_EMU_GROUP: GROUP,
    ATLAS_EMU_CLUSTERS: 'Replica0, LiveSharded',
    ATLAS_EMU_OUT: join(dir, 'ignored.json'),
    ATLAS_EMU_RATE: '60000',
    ATLAS_EMU_ANONYMIZE: 'true',
    ATLAS_EMU_ANONYMIZE_SEED: '9',
  };
  const outcome = await run(['--out', out], env);
  t.same(outcome, {
    status: 0,
    stdout: `recorded 2 clusters into ${out}: 96 checkpoints, 21 snapshots, 0 restore jobs (9 requests)\n`,
    stderr: '',
  });
  t.match(
    readFileSync(out, 'utf8'),
    /^\{"\$schema":.*"description":"Recorded by atlas-backup-emulator .* through the v2 API: 2 clusters, anonymized\."/,
  );
  t.same(await run(['--out', out], { ...env, ATLAS_EMU_ANONYMIZE: 'yes' }), {
    status: 2,
    stdout: '',
    stderr: 'atlas-backup-emulator record: ATLAS_EMU_ANONYMIZE must be true or false, got "yes"\n',
  });
});

t.test("a flag wins over an invalid variable; the emulator's variables may be set, no other ATLAS_EMU_ one", async (t) => {
  // ATLAS_EMU_HOST and ATLAS_EMU_PORT as the Docker image sets them.
  const env = { ...KEY, ATLAS_EMU_HOST: '0.0.0.0', ATLAS_EMU_PORT: '8080' };
  t.same(await run(args([]), { ...env, ATLAS_EMU_OUT: ' ', ATLAS_EMU_RATE: 'fast' }), {
    status: 0,
    stdout: `recorded 1 cluster into ${out}: 0 checkpoints, 10 snapshots, 0 restore jobs (5 requests)\n`,
    stderr: '',
  });
  t.same(await run(args([]), { ...env, ATLAS_EMU_SOURCE_PRIVATEKEY: 'not-shown' }), {
    status: 2,
    stdout: '',
    stderr:
      'atlas-backup-emulator record: unknown variable "ATLAS_EMU_SOURCE_PRIVATEKEY" (did you mean ATLAS_EMU_SOURCE_PRIVATE_KEY? see --help)\n',
  });
});

t.test('at most --rate requests a minute, challenges included', async (t) => {
  const time = fakeTime();
  const starts: number[] = [];
  const counted: typeof fetch = (input, init) => {
    starts.push(time.now());
    return fetch(input, init);
  };
  await record(sourceOptions(['Replica0', 'LiveSharded'], 30), { ...time, fetch: counted });
  t.equal(starts.length, 9, 'one challenge, then one signed request a page: the nonce is reused');
  t.same(
    starts.slice(1).map((start, i) => start - starts[i]!),
    Array(8).fill(2000),
    '30 a minute: one every two seconds',
  );
});

t.test('answers the emulator never gives: unknown fields and nulls left out, a value the schema refuses, a long Retry-After', async (t) => {
  // A source of its own: a service account's token, a schedule, and one page of checkpoints as `page` says.
  let page: unknown;
  let retryAfter: string | undefined;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (req.url === '/api/oauth/token') return send(200, { access_token: 'token', token_type: 'Bearer', expires_in: 3600 });
    if (req.url!.endsWith('/snapshotSchedule'))
      return send(200, { clusterId: '5f1a2b3c4d5e6f7a8b9c0d2e', snapshotIntervalHours: 6, links: [] });
    if (retryAfter !== undefined) return send(503, { error: 503 }, { 'retry-after': retryAfter });
    if (req.url!.includes('/backupCheckpoints')) return send(200, page);
    return send(200, { links: [], results: [], totalCount: 0 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const options = {
    source: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    sourceClientId: 'a',
    sourceClientSecret: 'b',
    group: GROUP,
    clusters: ['Odd'],
    out,
    rate: 60_000,
  };
  const checkpoint = {
    id: '5f1a2b3c4d5e6f7a8b9c0f01',
    timestamp: '2026-01-01T00:00:00Z',
    restorable: null,
    addedLater: true,
    links: [],
    parts: [{ typeName: 'REPLICA_SET', shardName: null }],
  };

  page = { links: [], results: [checkpoint], totalCount: 1 };
  await record(options, fakeTime());
  t.same(JSON.parse(readFileSync(out, 'utf8')).projects[0].clusters[0].checkpoints, [
    { id: checkpoint.id, timestamp: checkpoint.timestamp, parts: [{ typeName: 'REPLICA_SET' }] },
  ]);

  page = { links: [], results: [{ ...checkpoint, parts: [{ typeName: 'EMBEDDED_CONFIG' }] }], totalCount: 1 };
  await t.rejects(
    record(options, fakeTime()),
    new RecordError(
      `the source's checkpoint ${checkpoint.id} of cluster Odd does not fit the fixture schema: $.parts[0].typeName must be one of REPLICA_SET, CONFIG_SERVER, CONFIG_SERVER_REPLICA_SET`,
    ),
  );
  page = { results: 'none' };
  await t.rejects(
    record(options, fakeTime()),
    new RecordError(
      "the source's answer to GET /clusters/Odd/backupCheckpoints?pageNum=1 is not a list page (links, results with ids, totalCount)",
    ),
  );
  retryAfter = 'Wed, 21 Oct 2099 07:28:00 GMT';
  await t.rejects(record(options, fakeTime()), { message: /^the source asks to wait \d+ s \(Retry-After\): try again later$/ });
});

t.test('a broken connection is tried again; a source that keeps answering 429 ends it after six retries', async (t) => {
  const path = '/api/atlas/v2/groups/*/clusters/Replica0/snapshots';
  source.faults.add({ match: { path }, effect: { type: 'drop' }, times: 1 });
  source.faults.add({ match: { path }, effect: { type: 'error', status: 429, retryAfterSeconds: 2 } });
  t.teardown(() => source.faults.clear());
  writeFileSync(out, PREVIOUS);
  const time = fakeTime();
  const options = sourceOptions(['Replica0']);
  await t.rejects(record(options, time), new RecordError('the source still answered 429 after 6 retries'));
  t.same(
    source.faults.list().map((rule) => rule.applied),
    [1, 6],
  );
  t.same(
    time.sleeps.filter((ms) => ms >= 1000),
    [1000, 2000, 2000, 2000, 2000, 2000],
    'a second after the broken connection, then Retry-After',
  );
  t.equal(readFileSync(out, 'utf8'), PREVIOUS);
});

t.test('a list that changes while it is read is read again from its first page', async (t) => {
  let added = 0;
  // Before page 2 of Sharded0's checkpoints is answered, `times` times at most, one more checkpoint at the front.
  const changing =
    (times: number): typeof fetch =>
    (input, init) => {
      if (String(input).includes('/clusters/Sharded0/backupCheckpoints?pageNum=2&') && added < times) {
        const checkpoint = {
          id: `5a00000000000000000000${String(added).padStart(2, '0')}`,
          timestamp: `2017-01-${String(++added).padStart(2, '0')}T00:00:00Z`,
        };
        source.load({
          projects: [
            {
              id: GROUP,
              clusters: [
                { name: 'Sharded0', clusterId: '5f1a2b3c4d5e6f7a8b9c0d2e', type: 'SHARDED', shards: 3, checkpoints: [checkpoint] },
              ],
            },
          ],
        });
      }
      return fetch(input, init);
    };
  const options = sourceOptions(['Sharded0']);
  const summary = await record(options, { ...fakeTime(), fetch: changing(1) });
  t.equal(summary.clusters[0]!.checkpoints, 621, 'the checkpoint that came meanwhile is in');
  const ids = JSON.parse(readFileSync(out, 'utf8')).projects[0].clusters[0].checkpoints.map((c: { id: string }) => c.id);
  t.equal(new Set(ids).size, 621, 'none twice');
  await t.rejects(
    record(options, { ...fakeTime(), fetch: changing(1 + 5) }),
    new RecordError('the checkpoints of cluster Sharded0 kept changing while they were read (5 times): try again'),
  );
});
