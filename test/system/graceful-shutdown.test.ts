import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { CLUSTER0, digestHeader, parseChallenge } from '../helpers/test-app.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';
import { connect, readResponses } from '../helpers/http-wire.js';

// SIGTERM: the listener closes at once, idle keep-alive connections are closed, requests
// already under way (one still sending its headers, one held by a delay fault) are answered,
// the database is closed cleanly, and the exit is 0.

t.test('SIGTERM answers the request in flight, then closes the database and exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-shutdown-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'state.db');
  const server = spawnEmulator({ env: { ATLAS_EMU_DB: db } });
  t.teardown(() => server.child.kill('SIGKILL'));
  const { hostname, port: portText } = new URL(await server.ready);
  const port = Number(portText);
  t.ok(existsSync(`${db}-wal`), 'the database is open in WAL mode');

  // An idle keep-alive connection: it must not hold the shutdown up.
  const idle = await connect(port, hostname);
  idle.write('GET /_emulator/health HTTP/1.1\r\nHost: emulator\r\n\r\n');
  t.equal((await readResponses(idle, 1))[0]!.status, 200);

  // A request under way: its headers are still arriving when SIGTERM comes.
  const page = `${CLUSTER0}?itemsPerPage=500`;
  const challenge = await fetch(`http://${hostname}:${port}${page}`);
  const { nonce } = parseChallenge(challenge.headers.get('www-authenticate')!);
  const inFlight = await connect(port, hostname);
  inFlight.write(
    `GET ${page} HTTP/1.1\r\nHost: emulator\r\nAuthorization: ${digestHeader({ method: 'GET', uri: page, nonce: nonce! })}\r\n`,
  );
  // And one already received, held up by a control-plane delay fault when SIGTERM comes.
  const rule = await fetch(`http://${hostname}:${port}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ match: { pageNum: 3 }, effect: { type: 'delay', ms: 1500 }, times: 1 }),
  });
  t.equal(rule.status, 201, 'a delay fault is set');
  const delayedPage = `${CLUSTER0}?pageNum=3&itemsPerPage=10`;
  const delayed = await connect(port, hostname);
  delayed.write(
    `GET ${delayedPage} HTTP/1.1\r\nHost: emulator\r\nAuthorization: ${digestHeader({ method: 'GET', uri: delayedPage, nonce: nonce!, nc: 2 })}\r\n\r\n`,
  );
  const delayedAnswer = readResponses(delayed, 1);
  await sleep(200);

  server.child.kill('SIGTERM');
  await sleep(500);
  const refused = await new Promise<string>((resolve) => {
    const socket = net.connect(port, hostname);
    socket.on('connect', () => resolve('connected'));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  t.equal(refused, 'ECONNREFUSED', 'no new connection is accepted');
  t.equal(idle.closed || (await new Promise((resolve) => idle.once('close', () => resolve(true)))), true, 'the idle connection is closed');

  inFlight.write('Accept: application/json\r\n\r\n');
  const [response] = await readResponses(inFlight, 1);
  t.equal(response!.status, 200, 'the request in flight is answered');
  t.equal(response!.headers.connection, 'close');
  const body = JSON.parse(response!.body) as { totalCount: number; results: unknown[] };
  t.equal(body.totalCount, 61);
  t.equal(body.results.length, 61, 'the whole page');

  const [slow] = await delayedAnswer;
  t.equal(slow?.status, 200, 'the delayed request is answered');
  t.equal(slow!.headers.connection, 'close', 'and its keep-alive connection is not kept');
  t.match(JSON.parse(slow!.body), { totalCount: 61, results: Array.from({ length: 10 }, () => ({})) }, 'with its whole page');

  t.equal(await server.exited, 0, 'exit status 0');
  t.notOk(existsSync(`${db}-wal`) || existsSync(`${db}-shm`), 'the database was closed cleanly (no -wal/-shm left)');
  t.match(server.output(), /"signal":"SIGTERM"/);
});
