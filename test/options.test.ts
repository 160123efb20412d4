import t from 'tap';
import { HELP_WIDTH, parseCommandLine, recordUsage, usage } from '../src/command.js';
import type { OptionSet } from '../src/lib/option-set.js';
import { ConfigError, EMULATOR_OPTIONS, resolveConfig } from '../src/model/options.js';
import { RECORD_OPTIONS } from '../src/record/record-options.js';
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
    () => EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_PORT: '70000' }),
    new ConfigError('ATLAS_EMU_PORT must be an integer from 0 to 65535, got "70000"'),
  );
  t.throws(() => EMULATOR_OPTIONS.fromFlags({ port: 'x' }), new ConfigError('--port must be an integer from 0 to 65535, got "x"'));
  const config = resolveConfig(
    EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_SEED: '3', ATLAS_EMU_PORT: '0', ATLAS_EMU_UNRELATED: 'x' }),
    EMULATOR_OPTIONS.fromFlags({ seed: '7' }),
  );
  t.equal(config.seed, 7);
  t.equal(config.port, 0);
  t.equal(config.host, '127.0.0.1', 'defaults fill the rest');
  t.equal(resolveConfig({ publicUrl: 'https://cloud.mongodb.com/' }).publicUrl, 'https://cloud.mongodb.com', 'trailing slashes go');
});

t.test('strictDigestUri: ATLAS_EMU_STRICT_DIGEST_URI, --strict-digest-uri (which takes no value) and startEmulator()', async (t) => {
  t.equal(resolveConfig().strictDigestUri, false, 'off by default');
  t.equal(resolveConfig(EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'true' })).strictDigestUri, true);
  t.throws(
    () => EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'yes' }),
    new ConfigError('ATLAS_EMU_STRICT_DIGEST_URI must be true or false, got "yes"'),
  );
  const commandLine = parseCommandLine(['--strict-digest-uri']);
  t.same(commandLine, { flags: { strictDigestUri: true } });
  const fromFlag = EMULATOR_OPTIONS.fromFlags('flags' in commandLine ? commandLine.flags : {});
  t.equal(
    resolveConfig(EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_STRICT_DIGEST_URI: 'false' }), fromFlag).strictDigestUri,
    true,
    'the flag wins',
  );
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

t.test('an unknown ATLAS_EMU_ variable is refused naming the closest; a flag wins over an invalid variable', async (t) => {
  t.throws(
    () => EMULATOR_OPTIONS.checkVariables({ ATLAS_EMU_LOGLEVEL: 'silent' }, [RECORD_OPTIONS]),
    new ConfigError('unknown variable "ATLAS_EMU_LOGLEVEL" (did you mean ATLAS_EMU_LOG_LEVEL? see --help)'),
  );
  t.throws(
    () => RECORD_OPTIONS.checkVariables({ ATLAS_EMU_PORTT: '1' }, [EMULATOR_OPTIONS]),
    new ConfigError('unknown variable "ATLAS_EMU_PORTT" (did you mean ATLAS_EMU_PORT? see --help)'),
    "the closest of both commands' variables",
  );
  // Each command's variables may be set when the other runs: they share the environment.
  const shared = { ATLAS_EMU_PORT: '0', ATLAS_EMU_SOURCE_PUBLIC_KEY: 'k', ATLAS_EMU_ANONYMIZE_SEED: '3', PORT: '1', atlas_emu_x: '' };
  t.doesNotThrow(() => EMULATOR_OPTIONS.checkVariables(shared, [RECORD_OPTIONS]));
  t.doesNotThrow(() => RECORD_OPTIONS.checkVariables(shared, [EMULATOR_OPTIONS]));
  t.same(EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_PORT: 'eighty', ATLAS_EMU_SEED: '3' }, { port: '0' }), { seed: 3 });
  t.throws(
    () => EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_PORT: 'eighty' }, { seed: '3' }),
    new ConfigError('ATLAS_EMU_PORT must be an integer from 0 to 65535, got "eighty"'),
  );
});

/** The entries of a --help: an option's lines, its flag and variable on the left, its text on the right. */
function helpEntries(help: string): { left: string[]; text: string }[] {
  const lines = help.split('\n');
  const first = lines.findIndex((line) => line.startsWith('  --'));
  // Where the right column starts: after the flag column's padding on the first entry's line.
  const column = /^ {2}\S+(?: <value>)? +/.exec(lines[first]!)![0].length;
  const entries: { left: string[]; text: string }[] = [];
  for (const line of lines.slice(first, -1)) {
    if (line.startsWith('  --')) entries.push({ left: [], text: '' });
    const entry = entries.at(-1)!;
    const left = line.slice(0, column).trim();
    if (left !== '') entry.left.push(left);
    entry.text = `${entry.text} ${line.slice(column)}`.trim();
  }
  return entries;
}

t.test(`--help fits ${HELP_WIDTH} columns and lists every option with its variable, default and meaning`, async (t) => {
  const commands: [string, string, OptionSet<Record<string, unknown>>][] = [
    ['emulator', usage(), EMULATOR_OPTIONS],
    ['record', recordUsage(), RECORD_OPTIONS],
  ];
  for (const [name, help, set] of commands) {
    t.same(
      help.split('\n').filter((line) => line.length > HELP_WIDTH),
      [],
      `${name}: no line is wider than ${HELP_WIDTH} columns`,
    );
    const entries = helpEntries(help);
    const expected = set.rows().map((row) => ({
      left: [row.kind === 'boolean' ? row.flag : `${row.flag} <value>`, row.env],
      text: row.default === undefined ? row.describe : `${row.describe} (default: ${row.default})`,
    }));
    t.same(entries, [...expected, { left: ['--help'], text: 'print this help' }, { left: ['--version'], text: 'print the version' }], name);
  }
  t.ok(
    usage()
      .split('\n')
      .some((line) => line.length > 90),
    'the width is used: some descriptions are wrapped just short of it',
  );
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
