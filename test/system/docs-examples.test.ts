import { readFileSync } from 'node:fs';
import t from 'tap';
import { documentationFiles, examplesIn, makeScratch, needsDocker, runExample, type Example } from '../helpers/doc-examples.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// Every shell example of README.md and docs/*.md, run: the documentation cannot drift from what
// the emulator does. Conventions (the full text is at the top of test/helpers/doc-examples.ts,
// and for writers in docs/development.md, "Examples"):
//
//   - a ```sh block is an example; a ```text block right after it is its expected output (its
//     lines in order, one after the other; `...` for any text in a line, or for any lines);
//   - one emulator, the built dist/cli.js with the default dataset, listens on a free loopback
//     port, and `http://127.0.0.1:8080` / `localhost:8080` in an example stand for it; it is
//     reset before each example;
//   - each example runs with bash (`set -euo pipefail`) in a new scratch directory set up like
//     a checkout with the package installed; one that starts an emulator runs until its ready
//     line, then is stopped; any other must exit 0;
//   - the examples that run `docker` (only docs/docker.md may have them) are the Docker suite's
//     (test/docker/run.sh calls test/helpers/doc-examples.ts --docker): this test checks where they
//     are and names them, and runs all the others. None is skipped silently.

const files = documentationFiles();
const examples = files.flatMap((file) => examplesIn(file));
const dockerExamples = examples.filter(needsDocker);
const localExamples = examples.filter((example) => !needsDocker(example));
const name = (example: Example) => `${example.file}:${example.line}`;

t.test('the documentation has examples, and each one is run by this test or by the Docker suite', async (t) => {
  t.ok(localExamples.length > 0, `${localExamples.length} examples run here`);
  for (const example of dockerExamples)
    t.equal(example.file, 'docs/docker.md', `${name(example)} runs docker, so it belongs in docs/docker.md`);
  t.comment(`${dockerExamples.length} Docker examples are run by npm run test:docker: ${dockerExamples.map(name).join(', ') || 'none'}`);
  const suite = readFileSync(new URL('../docker/run.sh', import.meta.url), 'utf8');
  const wired = /test\/helpers\/doc-examples\.ts[^\n]*--docker/.test(suite);
  t.ok(wired, 'test/docker/run.sh runs the Docker examples (test/helpers/doc-examples.ts --docker)', {
    todo: wired ? false : 'the Docker suite does not call test/helpers/doc-examples.ts --docker yet',
  });
});

t.test('every other example runs as documented', async (t) => {
  const emulator = spawnEmulator({ args: ['dist/cli.js'], env: { ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => emulator.stop());
  const base = await emulator.ready;
  const targetPort = Number(new URL(base).port);

  for (const example of localExamples) {
    await t.test(name(example), async (t) => {
      const reset = await fetch(`${base}/_emulator/reset`, { method: 'POST' });
      t.equal(reset.status, 200, 'the emulator is reset');
      const scratch = makeScratch();
      t.teardown(() => scratch.remove());
      const run = await runExample(example, { cwd: scratch.dir, targetPort });
      t.ok(run.ok, run.ok ? `ran${run.server ? ' until ready, then stopped' : ''}` : `${run.problem}`, {
        diagnostic: !run.ok,
        code: example.code,
        output: run.output,
      });
    });
  }
});
