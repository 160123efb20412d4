import t from 'tap';
import { banner } from '../../src/command.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PRIVATE_KEY } from '../../src/model/options.js';
import { testConfig } from '../helpers/test-app.js';

// The start-up lines name the development service account like the development key, and
// never print a secret the user chose. (test/system/process.test.ts reads them off a real process.)

const COUNTS = { projects: 1, clusters: 2, checkpoints: 3 };
const ADDRESS = 'http://127.0.0.1:8080';

t.test('the default credentials and the inspector address are printed at start, counted in words that agree with the counts', async (t) => {
  t.equal(
    banner(testConfig(), COUNTS, ADDRESS),
    `atlas-backup-emulator ${(await import('../../package.json', { with: { type: 'json' } })).default.version}: 1 project, 2 clusters, 3 checkpoints (seed 1, store :memory:)\n` +
      `  Digest API key: public key emulator, private key ${DEFAULT_PRIVATE_KEY}\n` +
      `  Service account: client id ${DEFAULT_CLIENT_ID}, client secret ${DEFAULT_CLIENT_SECRET}\n` +
      `  Inspector: ${ADDRESS}/_emulator/ui\n` +
      `atlas-backup-emulator ready at ${ADDRESS}\n`,
  );
});

t.test('a chosen private key or client secret is not printed', async (t) => {
  const output = banner(
    testConfig({ privateKey: 'my-own-private-key', clientId: 'mdb_sa_id_mine', clientSecret: 'my-own-secret-value' }),
    COUNTS,
    ADDRESS,
  );
  t.match(output, '\n  Digest API key: public key emulator, private key (set by ATLAS_EMU_PRIVATE_KEY)\n');
  t.match(output, '\n  Service account: client id mdb_sa_id_mine, client secret (set by ATLAS_EMU_CLIENT_SECRET)\n');
  t.notMatch(output, /my-own/);
});
