import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { buildTestApp, load, PRIVATE_KEY, PUBLIC_KEY } from '../helpers/test-app.js';
import { listen } from '../helpers/auth.js';
import { pythonWithRequests } from '../helpers/python.js';
import { BASE, CLUSTER_ID, EXPECTED, FIXTURE, START } from '../helpers/live-scenario.js';

// The live-cluster scenario with Python requests' HTTPDigestAuth as the client: what it saw
// must be what the schedule says, step by step.

const run = promisify(execFile);

t.test('Python requests drives the live-cluster scenario: GET, PATCH and POST signed with Digest', async (t) => {
  const app = buildTestApp(t, { clock: START });
  load(app, FIXTURE);
  const base = await listen(app);
  const script = fileURLToPath(new URL('./requests_scenario.py', import.meta.url));
  const { stdout } = await run(await pythonWithRequests(), [script, base, `/api/atlas/v1.0${BASE}`, PUBLIC_KEY, PRIVATE_KEY]);
  const seen = JSON.parse(stdout);
  t.same(seen.start, EXPECTED.start);
  t.same(seen.afterTwoHours, EXPECTED.afterTwoHours);
  t.match(seen.patched, { clusterCheckpointIntervalMin: 60, clusterId: CLUSTER_ID });
  t.same(seen.afterPatch, EXPECTED.afterPatch);
  t.same(seen.afterWindow, EXPECTED.afterWindow);
  t.equal(seen.batch.totalCount, EXPECTED.jobsPerBatch);
  t.equal(new Set(seen.batch.results.map((job: { batchId: string }) => job.batchId)).size, 1, 'one batchId');
  t.same(
    seen.finished,
    Array.from({ length: EXPECTED.jobsPerBatch }, () => ['FINISHED', 'READY']),
  );
});
