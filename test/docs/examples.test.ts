import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { examplesOf, fencesOf, needsDocker, outputProblem, runExample, withPort } from '../helpers/doc-examples.js';

// The example extractor and the output check that the docs test and the Docker suite share
// (test/helpers/doc-examples.ts): what counts as an example, its expected output, and what matches.

const MARKDOWN = [
  '# Title',
  '',
  '```sh',
  'curl -s http://127.0.0.1:8080/_emulator/health',
  '```',
  '',
  '```text',
  '{"status":"ok"}',
  '```',
  '',
  '- a list item:',
  '',
  '  ```sh',
  '  echo indented',
  '  ```',
  '',
  '',
  '```text',
  'not the output of the example above: two blank lines between',
  '```',
  '',
  '```json',
  '{"not": "an example"}',
  '```',
  '',
  '```sh',
  'docker run --rm -p 8080:8080 atlas-backup-emulator',
  '```',
  '```text',
  '...',
  'atlas-backup-emulator ready at ...',
  '```',
].join('\n');

t.test('each ```sh block is an example, with the ```text block right after it as its output', async (t) => {
  const examples = examplesOf(MARKDOWN, 'x.md');
  t.same(
    examples.map(({ line, code, expected }) => ({ line, code, expected })),
    [
      { line: 3, code: 'curl -s http://127.0.0.1:8080/_emulator/health', expected: ['{"status":"ok"}'] },
      { line: 13, code: 'echo indented', expected: undefined },
      { line: 26, code: 'docker run --rm -p 8080:8080 atlas-backup-emulator', expected: ['...', 'atlas-backup-emulator ready at ...'] },
    ],
  );
  t.same(examples.map(needsDocker), [false, false, true]);
  t.same(
    fencesOf(MARKDOWN).map((fence) => fence.language),
    ['sh', 'text', 'sh', 'text', 'json', 'sh', 'text'],
  );
});

t.test('Docker examples are those with a docker command line', async (t) => {
  const example = (code: string) => ({ file: 'x.md', line: 1, code, expected: undefined });
  t.ok(needsDocker(example('docker build -t atlas-backup-emulator .')));
  t.ok(needsDocker(example('mkdir -p data\n  DOCKER_BUILDKIT=0 docker build .')));
  t.notOk(needsDocker(example('curl http://localhost:8080/ # not docker run')));
  t.notOk(needsDocker(example('echo "docker"')));
});

t.test('the documented address becomes the target', async (t) => {
  t.equal(
    withPort('curl http://127.0.0.1:8080/x http://localhost:8080/y http://127.0.0.1:18080/z', 4321),
    'curl http://127.0.0.1:4321/x http://localhost:4321/y http://127.0.0.1:18080/z',
  );
});

t.test('expected output: whole lines in order, one after the other; ... for any text or any lines', async (t) => {
  const output = 'one\ntwo three\n\nfour\r\nfive\n';
  t.equal(outputProblem(['one', 'two three', 'four', 'five'], output), undefined, 'exact');
  t.equal(outputProblem(['one', 'two ...', '', 'four', 'five  '], output), undefined, 'blank lines and trailing spaces do not count');
  t.equal(outputProblem(['...', 'four', '...'], output), undefined, '... lines skip any lines');
  t.equal(outputProblem(['one', '...', 'five'], output), undefined);
  t.match(outputProblem(['one', 'four'], output), /expected "four" as output line 2/, 'lines are consecutive unless ... says otherwise');
  t.match(outputProblem(['two three'], output), /expected "two three" as output line 1/, 'the first line is the first line');
  t.match(
    outputProblem(['one', 'two three'], output),
    /unexpected output after the expected lines: "four"/,
    'nothing unexpected at the end',
  );
  t.match(outputProblem(['...', 'six'], output), /expected "six" at or after output line 1/);
  t.match(outputProblem(['one', 'two'], output), /expected "two" as output line 2/, 'a line matches whole');
  t.equal(outputProblem(['o...e', '...'], output), undefined, '... inside a line');
  t.equal(outputProblem(['(a+b)*[c]'], '(a+b)*[c]'), undefined, 'other characters are literal');
});

t.test('an example fails when what it started outlives it: a process, or an address still served', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'atlas-emu-example-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const example = (code: string) => ({ file: 'x.md', line: 1, code, expected: undefined });

  const stopped = await runExample(example('sleep 60 &\nkill %1'), { cwd });
  t.equal(stopped.ok, true, 'what it stopped itself is no problem');

  const left = await runExample(example('sleep 60 &\necho started'), { cwd, leftoverMs: 500 });
  t.equal(left.ok, false);
  t.match(left.problem, /^500 ms after it exited, it left processes running: \d+ sleep 60$/);
  t.equal(left.output, 'started\n');

  // A server in a session of its own is no process of the example's group, yet it still serves.
  const server =
    "require('node:net').createServer().listen(0, '127.0.0.1', function () " +
    "{ console.log('atlas-backup-emulator ready at http://127.0.0.1:' + this.address().port) })";
  const escaped = await runExample(
    example(
      [
        `setsid node -e "${server}" > emulator.log 2>&1 &`,
        'echo $! > server.pid',
        `until grep -qs 'ready at' emulator.log; do sleep 0.1; done`,
      ].join('\n'),
    ),
    { cwd },
  );
  t.teardown(() => process.kill(Number(readFileSync(join(cwd, 'server.pid'), 'utf8'))));
  const port = /:(\d+)$/m.exec(readFileSync(join(cwd, 'emulator.log'), 'utf8'))![1];
  t.equal(escaped.ok, false);
  t.equal(escaped.problem, `an emulator it started still accepts connections on port ${port}`);
});
