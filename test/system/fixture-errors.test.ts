import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

// A fixture the command cannot load, as a user meets it: every mistake on stderr under one
// heading line, exit status 2, nothing on stdout, no stack trace, no secret.

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

/** The bin run in `cwd` with a relative --fixtures path. */
async function cli(cwd: string, fixtures: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, '--fixtures', fixtures, '--port', '0'], {
      cwd,
      env: { ...process.env, ATLAS_EMU_LOG_LEVEL: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function workdir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-fixture-errors-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a fixture with several mistakes: each on its own line with the value found, short, secrets masked', async (t) => {
  const dir = workdir(t);
  const longKey = 'k'.repeat(200);
  writeFileSync(
    join(dir, 'broken.json'),
    JSON.stringify({
      description: 5,
      projects: { privateKey: 'hunter two' },
      apiKeys: [{ publicKey: longKey, privateKey: 'two words', projects: '*', role: 'admin' }],
    }),
  );
  const { code, stdout, stderr } = await cli(dir, 'broken.json');
  t.equal(code, 2);
  t.equal(stdout, '');
  t.equal(
    stderr,
    [
      'atlas-backup-emulator: fixture broken.json: 5 mistakes:',
      '  $.description: must be a string, got 5',
      '  $.projects: must be an array, got {"privateKey":"(secret, not shown)"}',
      `  $.apiKeys[0].publicKey: must be 1 to 128 letters, digits or ._~@+-, got "${'k'.repeat(36)}...`,
      '  $.apiKeys[0].privateKey: must be 1 to 256 printable ASCII characters without spaces, got (secret, not shown)',
      '  $.apiKeys[0].role: unknown field (allowed: publicKey, privateKey, projects, accessList)',
      '',
    ].join('\n'),
  );
  t.notMatch(stderr, /hunter two|two words/, 'no secret');
});

t.test('a fixture with more than 20 mistakes: the first 20, then how many more', async (t) => {
  const dir = workdir(t);
  const checkpoints = Array.from({ length: 23 }, (_, i) => ({ id: `x${i}`, timestamp: '2030-01-01T00:00:00Z' }));
  const clusters = [{ name: 'c', clusterId: 'b'.repeat(24), checkpoints }];
  writeFileSync(join(dir, 'many.json'), JSON.stringify({ projects: [{ id: 'a'.repeat(24), clusters }] }));
  const { code, stderr } = await cli(dir, 'many.json');
  t.equal(code, 2);
  t.equal(
    stderr,
    [
      'atlas-backup-emulator: fixture many.json: 23 mistakes:',
      ...checkpoints
        .slice(0, 20)
        .map((_, i) => `  $.projects[0].clusters[0].checkpoints[${i}].id: must be a 24-hexadecimal-digit id, got "x${i}"`),
      '  and 3 more',
      '',
    ].join('\n'),
  );
});

t.test('a fixture file that is not there: in words, with the directory a relative path is resolved against', async (t) => {
  const dir = workdir(t);
  const { code, stdout, stderr } = await cli(dir, 'fixtures/missing.json');
  t.equal(code, 2);
  t.equal(stdout, '');
  t.equal(
    stderr,
    `atlas-backup-emulator: fixture fixtures/missing.json: no such file or folder (a relative path is resolved against the working directory, ${realpathSync(dir)})\n`,
  );
});
