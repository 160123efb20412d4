import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { spawnEmulator, type EmulatorProcess } from '../helpers/spawn-emulator.js';

// The largest datasets stream: exporting 1,000,000 checkpoints adds little to the process's
// memory (the export is written from the store in chunks), and the export loads back into
// another emulator byte for byte (the load reads the body in chunks too).

const COUNT = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-large-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** Streams a response body to a file; returns its SHA-256 and the server's largest RSS meanwhile. */
async function download(server: EmulatorProcess, url: string, file: string): Promise<{ status: number; sha: string; peakKb: number }> {
  let peakKb = rssKb(server.child.pid!);
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(server.child.pid!))), 50);
  try {
    const res = await fetch(url);
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
    peakKb = Math.max(peakKb, rssKb(server.child.pid!));
    return { status: res.status, sha: createHash('sha256').update(readFileSync(file)).digest('hex'), peakKb };
  } finally {
    clearInterval(sampler);
  }
}

t.test(`${COUNT.toLocaleString('en')} checkpoints: export within 1.5x the RSS before it, load back byte for byte`, async (t) => {
  const fixture = join(dir, 'million.json');
  writeFileSync(
    fixture,
    JSON.stringify({
      projects: [
        {
          id: '64b0c0ffee0000000000b16a',
          clusters: [{ name: 'Million', clusterId: '64b0c0ffee0000000000c1a5', generate: { count: COUNT, intervalMinutes: 1 } }],
        },
      ],
    }),
  );
  const source = spawnEmulator({ env: { ATLAS_EMU_FIXTURES: fixture, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => source.stop('SIGKILL'));
  const sourceUrl = await source.ready;
  const before = rssKb(source.child.pid!);
  const exported = join(dir, 'export.json');
  const first = await download(source, `${sourceUrl}/_emulator/fixtures`, exported);
  t.equal(first.status, 200);
  t.ok(
    first.peakKb <= 1.5 * before,
    `RSS ${Math.round(before / 1024)} MB before the export, at most ${Math.round(first.peakKb / 1024)} MB during it`,
  );

  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '{"projects": []}');
  const target = spawnEmulator({ env: { ATLAS_EMU_FIXTURES: empty, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => target.stop('SIGKILL'));
  const targetUrl = await target.ready;
  const load = await fetch(`${targetUrl}/_emulator/fixtures?mode=replace`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Readable.toWeb(createReadStream(exported)) as never,
    duplex: 'half',
  } as RequestInit);
  t.same(await load.json(), { mode: 'replace', counts: { projects: 1, clusters: 1, checkpoints: COUNT } });
  const second = await download(target, `${targetUrl}/_emulator/fixtures`, join(dir, 'again.json'));
  t.equal(second.sha, first.sha, 'the second export is the first, byte for byte');
});
