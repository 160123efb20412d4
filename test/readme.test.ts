import { readFileSync } from 'node:fs';
import t from 'tap';
import { optionRows } from '../src/options.js';

// The README's configuration table is what users read: it must name every option.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## The default dataset'));

t.test('the README configuration table lists every option with its default', async (t) => {
  const OPTIONS = optionRows();
  for (const option of OPTIONS) {
    const row = table.split('\n').find((line) => line.startsWith(`| \`${option.env}\` |`));
    t.ok(row, `${option.env} has a row`);
    if (row && option.default !== undefined) t.match(row, `\`${String(option.default)}\``, `${option.env} shows its default`);
  }
  const rows = table.split('\n').filter((line) => line.startsWith('| `ATLAS_EMU_'));
  t.equal(rows.length, OPTIONS.length, 'no row for an option that does not exist');
});
