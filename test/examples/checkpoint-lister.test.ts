import { startEmulator, type RunningEmulator } from 'atlas-backup-emulator';
import t from 'tap';
import { listAllCheckpoints } from './checkpoint-lister.js';

// An example integration suite, written the way a user's suite would use the emulator: one
// emulator started in-process for the file, a fixture loaded, the state reset between tests,
// the journal read to see what the client did, and a fault to make Atlas misbehave.
// (It imports the package by name, as users do: the build in dist/ is what runs.)

const GROUP = '0123456789abcdef01234567';
const CLUSTER = 'Orders';
const PAGE = `/api/atlas/v2/groups/${GROUP}/clusters/${CLUSTER}/backupCheckpoints`;

let emulator: RunningEmulator;

t.before(async () => {
  emulator = await startEmulator({ seed: 11 });
});
t.teardown(() => emulator.close());

t.beforeEach(() => {
  emulator.reset();
  emulator.load({
    projects: [
      {
        id: GROUP,
        name: 'Shop',
        clusters: [{ name: CLUSTER, clusterId: '0123456789abcdef76543210', generate: { count: 25 } }],
      },
    ],
  });
});

const options = () => ({ baseUrl: emulator.url, publicKey: emulator.publicKey, privateKey: emulator.privateKey, itemsPerPage: 10 });

t.test('lists every checkpoint, fetching each page once', async (t) => {
  const { checkpoints, retries } = await listAllCheckpoints(GROUP, CLUSTER, options());
  t.equal(checkpoints.length, 25);
  t.equal(new Set(checkpoints.map((c) => c.id)).size, 25);
  t.equal(retries, 0);

  // The client's first call has no credentials: the journal marks it as the Digest challenge.
  const challenges = emulator.requests({ challenge: true });
  t.equal(challenges.length, 1);
  t.equal(challenges[0]!.status, 401);
  t.equal(challenges[0]!.query.pageNum, '1');

  const pages = emulator.requests({ path: PAGE, authOutcome: 'authenticated' });
  t.same(
    pages.map((entry) => [entry.query.pageNum, entry.status, entry.auth.principal]),
    [
      ['1', 200, emulator.publicKey],
      ['2', 200, emulator.publicKey],
      ['3', 200, emulator.publicKey],
    ],
  );
  t.equal(emulator.requests().length, 4, 'nothing else was sent');
});

t.test('retries page 2 once when Atlas answers 503', async (t) => {
  const fault = emulator.faults.add({ match: { path: PAGE, pageNum: 2 }, effect: { type: 'error', status: 503 }, times: 1 });

  const { checkpoints, retries } = await listAllCheckpoints(GROUP, CLUSTER, options());
  t.equal(checkpoints.length, 25, 'nothing lost');
  t.equal(new Set(checkpoints.map((c) => c.id)).size, 25, 'nothing repeated');
  t.equal(retries, 1);

  const page2 = emulator.requests({ path: PAGE, authOutcome: 'authenticated' }).filter((entry) => entry.query.pageNum === '2');
  t.same(
    page2.map((entry) => [entry.status, entry.fault]),
    [
      [503, { id: fault.id, effect: 'error' }],
      [200, null],
    ],
  );
  t.equal(emulator.faults.list()[0]!.applied, 1);
});

t.test('gives up after three 429s and says why', async (t) => {
  emulator.faults.add({ match: { pageNum: 3 }, effect: { type: 'error', status: 429, retryAfterSeconds: 0 } });
  await t.rejects(listAllCheckpoints(GROUP, CLUSTER, options()), /HTTP 429 .*RATE_LIMITED/);
  t.equal(emulator.requests({ faulted: true }).length, 3);
});
