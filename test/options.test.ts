import t from 'tap';
import { parseCommandLine, usage } from '../src/command.js';
import { ConfigError, optionRows, optionsFromEnvironment, optionsFromFlags, resolveConfig } from '../src/model/options.js';
import { startEmulator } from '../src/index.js';
import { CLUSTER0, GROUP } from './helpers/test-app.js';
import { signedFetch } from './helpers/control-client.js';

// The options are one schema: every entry point (environment, flags, startEmulator()) is
// checked against it alike, and a bad value is refused naming the option and the rule.

t.test('startEmulator() checks its options like the environment and the flags', async (t) => {
  const refusals: [object, string][] = [
    [{ nonceTtlSeconds: -1 }, 'option nonceTtlSeconds must be an integer from 1 to 86400, got -1'],
    [{ journalMax: -5 }, 'option journalMax must be an integer from 0 to 1000000, got -5'],
    [
      { rateLimit: '3 per minute' },
      'option rateLimit must be off or <requests>/<period> like 100/60s or 100/1m (requests and period at least 1), got "3 per minute"',
    ],
    [{ port: '8080' }, 'option port must be an integer from 0 to 65535, got "8080"'],
    [{ publicUrl: 'ftp://x' }, 'option publicUrl must be an absolute http(s) URL, got "ftp://x"'],
    [{ host: ' ' }, 'option host must be a non-empty string, got " "'],
    [{ strictDigestUri: 'yes' }, 'option strictDigestUri must be true or false, got "yes"'],
  ];
  for (const [options, message] of refusals) await t.rejects(startEmulator(options as never), new ConfigError(message), message);
  await t.rejects(startEmulator({ bogus: 1 } as never), { message: /^unknown option "bogus" \(options: host, port, / });
});

t.test('startEmulator({ rateLimit }) limits: the fourth call of three a minute is 429', async (t) => {
  const emulator = await startEmulator({ rateLimit: '3/1m' });
  t.teardown(() => emulator.close());
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await signedFetch(emulator.url, `${CLUSTER0}?itemsPerPage=1`)).status);
  t.same(statuses, [200, 200, 200, 429]);
});

t.test('environment and flags name the variable or the flag; flags win', async (t) => {
  t.throws(
    () => optionsFromEnvironment({ ATLAS_EMU_PORT: '70000' }),
    new ConfigError('ATLAS_EMU_PORT must be an integer from 0 to 65535, got "70000"'),
  );
  t.throws(() => optionsFromFlags({ port: 'x' }), new ConfigError('--port must be an integer from 0 to 65535, got "x"'));
  const config = resolveConfig(
    optionsFromEnvironment({ ATLAS_EMU_SEED: '3', ATLAS_EMU_PORT: '0', ATLAS_EMU_UNRELATED: 'x' }),
    optionsFromFlags({ seed: '7' }),
  );
  t.equal(config.seed, 7);
  t.equal(config.port, 0);
  t.equal(config.host, '127.0.0.1', 'defaults fill the rest');
  t.equal(resolveConfig({ publicUrl: 'https://cloud.mongodb.com/' }).publicUrl, 'https://cloud.mongodb.com', 'trailing slashes go');
});

t.test('strictDigestUri: ATLAS_EMU_STRICT_DIGEST_URI, --strict-digest-uri (which takes no value) and startEmulator()', async (t) => {
  t.equal(resolveConfig().strictDigestUri, false, 'off by default');
  t.equal(resolveConfig(optionsFromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'true' })).strictDigestUri, true);
  t.throws(
    () => optionsFromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'yes' }),
    new ConfigError('ATLAS_EMU_STRICT_DIGEST_URI must be true or false, got "yes"'),
  );
  const commandLine = parseCommandLine(['--strict-digest-uri']);
  t.same(commandLine, { flags: { strictDigestUri: true } });
  const fromFlag = optionsFromFlags('flags' in commandLine ? commandLine.flags : {});
  t.equal(resolveConfig(optionsFromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'false' }), fromFlag).strictDigestUri, true, 'the flag wins');
  t.throws(
    () => parseCommandLine(['--strict-digest-uri=false']),
    new ConfigError('option --strict-digest-uri takes no value (ATLAS_EMU_STRICT_DIGEST_URI takes true or false)'),
  );

  // In-process, over a socket: an answer signed over the path without its query string.
  const url = `${CLUSTER0}?itemsPerPage=1`;
  for (const [options, status] of [
    [{}, 200],
    [{ strictDigestUri: true }, 401],
  ] as const) {
    const emulator = await startEmulator(options);
    t.teardown(() => emulator.close());
    t.equal((await signedFetch(emulator.url, url, CLUSTER0)).status, status, JSON.stringify(options));
  }
});

t.test('--help lists every option of the schema, with its variable, default and meaning', async (t) => {
  const help = usage();
  for (const row of optionRows()) {
    const flag = row.kind === 'boolean' ? row.flag : `${row.flag} <value>`;
    const line = help.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
    t.ok(line?.includes(row.env) && line.includes(row.default ?? '(none)') && line.endsWith(row.describe), row.flag);
  }
});

t.test('an impossible calendar date in a fixture is refused with its place', async (t) => {
  const emulator = await startEmulator();
  t.teardown(() => emulator.close());
  const document = {
    projects: [
      {
        id: GROUP,
        clusters: [
          {
            name: 'Cluster0',
            clusterId: 'cccccccccccccccccccccccc',
            checkpoints: [{ id: 'dddddddddddddddddddddddd', timestamp: '2018-02-30T00:00:00Z' }],
          },
        ],
      },
    ],
  };
  t.throws(() => emulator.load(document), {
    message:
      'Invalid $.projects[0].clusters[0].checkpoints[0].timestamp: must be a real UTC date-time like 2018-02-08T23:19:37Z, got "2018-02-30T00:00:00Z".',
  });
});
