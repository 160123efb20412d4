import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { makeScratch, runExample } from '../helpers/doc-examples.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';
import { freePort } from '../helpers/free-port.js';
import { assertContract, CLUSTER0, PRIVATE_KEY, PUBLIC_KEY } from '../helpers/test-app.js';
import { signedFetch } from '../helpers/control-client.js';

// The emulator as users start it: `npm start` runs `node dist/cli.js` (built by `npm test`
// and on install). curl --digest is the client, as in the README.

const SERVER = new URL('../../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

async function start(env: Record<string, string>) {
  const started = spawnEmulator({ args: [SERVER], env });
  await started.ready;
  return started;
}

async function curlDigest(url: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '--digest', '--user', `${PUBLIC_KEY}:${PRIVATE_KEY}`, '-w', '\n%{http_code}', url]);
  const cut = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
}

t.test('npm start: curl --digest reads Cluster0; bytes stable across restarts, changed by the seed', async (t) => {
  const port = await freePort();
  const env = { ATLAS_EMU_PORT: String(port), ATLAS_EMU_HOST: '127.0.0.1', ATLAS_EMU_LOG_LEVEL: 'warn' };
  const url = `http://127.0.0.1:${port}${CLUSTER0}`;

  const first = await start(env);
  t.match(first.output(), `Digest API key: public key ${PUBLIC_KEY}, private key ${PRIVATE_KEY}`);
  t.match(first.output(), `Inspector: http://127.0.0.1:${port}/_emulator/ui\natlas-backup-emulator ready at http://127.0.0.1:${port}`);
  const a = await curlDigest(url);
  t.equal(await first.stop(), 0, 'SIGTERM exits 0');
  t.equal(a.status, 200);
  assertContract(CLUSTER0, { statusCode: a.status, headers: { 'content-type': 'application/json' }, body: a.body });
  const body = JSON.parse(a.body);
  t.equal(body.totalCount, 61);
  t.equal(body.results.length, 61);
  t.same(
    body.results.slice(0, 2).map((c: { id: string }) => c.id),
    ['5a7cdb3980eef53de5bffdcf', '5a7db53987d9d64fe298ff46'],
  );

  const second = await start(env);
  const b = await curlDigest(url);
  await second.stop();
  t.equal(b.body, a.body, 'byte-identical after a restart with the same seed and port');

  const third = await start({ ...env, ATLAS_EMU_SEED: '99' });
  const c = await curlDigest(url);
  await third.stop();
  t.not(c.body, a.body, 'another seed, other generated checkpoints');
});

t.test('a custom private key is not printed', async (t) => {
  const port = await freePort();
  const started = await start({
    ATLAS_EMU_PORT: String(port),
    ATLAS_EMU_PUBLIC_KEY: 'ci-key',
    ATLAS_EMU_PRIVATE_KEY: 'not-for-your-eyes',
    ATLAS_EMU_LOG_LEVEL: 'warn',
  });
  await started.stop();
  t.match(started.output(), 'public key ci-key, private key (set by ATLAS_EMU_PRIVATE_KEY)');
  t.notMatch(started.output(), 'not-for-your-eyes');
});

t.test('bad options are refused at start with a message naming the variable', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ATLAS_EMU_PORT: 'eighty' }, /ATLAS_EMU_PORT must be an integer from 0 to 65535, got "eighty"/],
    [{ ATLAS_EMU_SEED: '1.5' }, /ATLAS_EMU_SEED must be an integer/],
    [{ ATLAS_EMU_LOG_LEVEL: 'loud' }, /ATLAS_EMU_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ ATLAS_EMU_PUBLIC_URL: 'ftp://x' }, /ATLAS_EMU_PUBLIC_URL must be an absolute http\(s\) URL, got "ftp:\/\/x"/],
    [{ ATLAS_EMU_FIXTURES: '/nonexistent/fixture.json' }, /fixture \/nonexistent\/fixture\.json: no such file or folder\n/],
  ];
  for (const [env, message] of cases) {
    const result = await run(process.execPath, [SERVER], { env: { ...process.env, ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    t.equal(result.code, 2, JSON.stringify(env));
    t.match(result.stderr, message);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

t.test('npm start -- --port 0 --seed 7: the flags reach the emulator', async (t) => {
  const root = new URL('../..', import.meta.url).pathname;
  const started = spawnEmulator({
    command: 'npm',
    args: ['start', '--silent', '--', '--port', '0', '--seed', '7', '--log-level', 'warn'],
    cwd: root,
    inheritEnv: true,
  });
  const base = await started.ready;
  t.match(started.output(), '(seed 7, store :memory:)');
  t.notMatch(base, /:8080$/, 'a free port, not the default');
  const ready = await (await fetch(`${base}/_emulator/ready`)).json();
  t.equal(ready.seed, 7);
  // npm itself answers SIGTERM with its own status; the emulator under it closes gracefully.
  await started.stop();
});

t.test('started in the background by npm start or npx, one kill of what was started stops it', async (t) => {
  // A script as the documentation writes one: the runner fails it when a process it started
  // outlives it, or when the emulator's port still accepts connections once it is over.
  for (const start of ['npm start --', 'npx atlas-backup-emulator']) {
    await t.test(start, async (t) => {
      const scratch = makeScratch();
      t.teardown(() => scratch.remove());
      const code = [`${start} --port 0 > emulator.log &`, `until grep -qs 'ready at' emulator.log; do sleep 0.1; done`, 'kill %1'].join(
        '\n',
      );
      const run = await runExample({ file: 'process.test.ts', line: 0, code, expected: undefined }, { cwd: scratch.dir });
      t.ok(run.ok, run.problem ?? 'nothing is left running', { output: run.output });
      const log = readFileSync(join(scratch.dir, 'emulator.log'), 'utf8');
      t.match(log, /"signal":"SIGTERM".*"msg":"closing"/, 'it closed as on SIGTERM');
      t.match(log, /"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"/);
    });
  }
});

t.test('npm start or npx, its process group signalled with a request in flight: answered, closed gracefully', async (t) => {
  // Ctrl-C (SIGINT) or a process manager (SIGTERM) signals the whole group: npm, its shell and
  // the emulator, once each. The shell may go first: that is no second signal.
  const scratch = makeScratch();
  t.teardown(() => scratch.remove());
  for (const command of ['npm start --', 'npx atlas-backup-emulator']) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      await t.test(`${command}, ${signal}`, async (t) => {
        const [program, ...args] = command.split(' ');
        const started = spawnEmulator({ command: program, args: [...args, '--port', '0'], cwd: scratch.dir, inheritEnv: true });
        const closed = new Promise((resolve) => started.child.on('close', resolve));
        const base = await started.ready;
        const delay = { match: { pageNum: 3 }, effect: { type: 'delay', ms: 1500 }, times: 1 };
        const fault = await fetch(`${base}/_emulator/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(delay),
        });
        t.equal(fault.status, 201);
        const held = signedFetch(base, `${CLUSTER0}?pageNum=3&itemsPerPage=10`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await started.stop(signal);
        const answer = await held;
        t.equal(answer.status, 200, 'the request in flight is answered');
        t.equal(((await answer.json()) as { results: unknown[] }).results.length, 10);
        await closed;
        t.match(started.output(), `"signal":"${signal}","msg":"closing"`);
        t.notMatch(started.output(), /second SIG|killed by timeout/, 'no second signal forces the exit');
      });
    }
  }
});

t.test('a port in use: one line on stderr, exit code 2', async (t) => {
  const port = await freePort();
  const first = await start({ ATLAS_EMU_PORT: String(port), ATLAS_EMU_LOG_LEVEL: 'warn' });
  t.teardown(() => first.stop());
  const second = await run(process.execPath, [SERVER, '--port', String(port)], {
    env: { ...process.env, ATLAS_EMU_LOG_LEVEL: 'warn' },
  }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
  t.equal(second.code, 2);
  t.equal(second.stdout, '', 'nothing on stdout (no log line, no stack trace)');
  t.equal(
    second.stderr,
    `atlas-backup-emulator: cannot listen on 127.0.0.1:${port}: the address is already in use (another process has the port; choose another with --port or ATLAS_EMU_PORT, 0 for any free port)\n`,
  );
});
