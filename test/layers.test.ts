import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The layers of src/ (docs/architecture.md), as dependency-cruiser checks them with
// .dependency-cruiser.cjs (`npm run lint:layers`): imports point down only.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

function depcruise(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

t.test('src/ imports point down only', async (t) => {
  const { status, output } = depcruise(ROOT);
  t.equal(status, 0, output);
});

t.test('a planted upward import fails the check, naming the rule', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-layers-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  mkdirSync(join(dir, 'src/lib'), { recursive: true });
  mkdirSync(join(dir, 'src/atlas'), { recursive: true });
  writeFileSync(join(dir, 'src/atlas/pipeline.ts'), "import { now } from '../lib/clock.js';\nexport const started = now();\n");
  writeFileSync(join(dir, 'src/lib/clock.ts'), 'export const now = (): number => Date.now();\n');
  t.equal(depcruise(dir).status, 0, 'atlas/ importing lib/ (downward) passes');

  writeFileSync(
    join(dir, 'src/lib/clock.ts'),
    "import { started } from '../atlas/pipeline.js';\nexport const now = (): number => started;\n",
  );
  const { status, output } = depcruise(dir);
  t.not(status, 0, 'lib/ importing atlas/ (upward) fails');
  t.match(output, /lib-imports-upward: src\/lib\/clock\.ts → src\/atlas\/pipeline\.ts/);
});
