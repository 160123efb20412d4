import closeWithGrace from 'close-with-grace';
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { ConfigError, DEFAULT_CLIENT_SECRET, DEFAULT_PRIVATE_KEY, loadConfig, type Config } from './config.js';
import { VERSION } from './control/health.js';
import { FixtureFileError } from './seed/load-fixtures.js';
import { DatabaseOpenError } from './store/database.js';

// The process: configuration, the app, the listener, the ready line, graceful shutdown.
// The only module that touches `process`.

export const READY_LINE_PREFIX = 'atlas-backup-emulator ready at ';

export async function main(overrides: Partial<Config> = {}): Promise<void> {
  let app;
  try {
    const config = loadConfig(process.env, overrides);
    app = buildApp(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FixtureFileError || err instanceof DatabaseOpenError) {
      process.stderr.write(`atlas-backup-emulator: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, store } = app.emulator;
  closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });
  const address = await app.listen({ host: config.host, port: config.port });
  const counts = store.counts();
  const privateKey = config.privateKey === DEFAULT_PRIVATE_KEY ? config.privateKey : '(set by ATLAS_EMU_PRIVATE_KEY)';
  process.stdout.write(
    `atlas-backup-emulator ${VERSION}: ${counts.projects} projects, ${counts.clusters} clusters, ${counts.checkpoints} checkpoints (seed ${config.seed}, store ${config.db})\n` +
      `  Digest API key: public key ${config.publicKey}, private key ${privateKey}\n` +
      `  Service account: client id ${config.clientId}, client secret ${config.clientSecret === DEFAULT_CLIENT_SECRET ? config.clientSecret : '(set by ATLAS_EMU_CLIENT_SECRET)'}\n` +
      `${READY_LINE_PREFIX}${address}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
