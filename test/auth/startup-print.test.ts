import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { READY_LINE_PREFIX } from '../../src/cli.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../src/options.js';

// The start-up lines name the development service account like the development key, and
// never print a secret the user chose.

const SERVER = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

async function startupOutput(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, ATLAS_EMU_PORT: '0', ATLAS_EMU_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => output.includes(READY_LINE_PREFIX) && resolve());
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return output;
}

t.test('the default service account is printed at start', async (t) => {
  const output = await startupOutput({});
  t.match(output, `\n  Service account: client id ${DEFAULT_CLIENT_ID}, client secret ${DEFAULT_CLIENT_SECRET}\n`);
});

t.test('a chosen client secret is not printed', async (t) => {
  const output = await startupOutput({ ATLAS_EMU_CLIENT_ID: 'mdb_sa_id_mine', ATLAS_EMU_CLIENT_SECRET: 'my-own-secret-value' });
  t.match(output, '\n  Service account: client id mdb_sa_id_mine, client secret (set by ATLAS_EMU_CLIENT_SECRET)\n');
  t.notMatch(output, 'my-own-secret-value');
});
