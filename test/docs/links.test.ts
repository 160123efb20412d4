import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import t from 'tap';
import { documentationFiles, fencesOf, ROOT } from '../helpers/doc-examples.js';

// The documentation a newcomer navigates: a short README, and no link or file name in it or
// in docs/ that leads nowhere. Fast and offline: reads files only.

const README_MAX_LINES = 250;
/** Fence languages the documentation uses; a shell example is always `sh`, so that it is run. */
const LANGUAGES = new Set(['sh', 'text', 'json', 'jsonc', 'yaml', 'ts', 'js', 'go', 'hcl', 'python', 'toml', 'dockerfile']);
/** Built or installed, so not in the repository, yet named by the documentation on purpose. */
const GENERATED = ['dist/', 'node_modules/', '.tap/'];

const files = documentationFiles();
const text = new Map(files.map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]));

/** The Markdown outside fenced code blocks, line for line (fenced lines blanked). */
function prose(markdown: string): string[] {
  const lines = markdown.split('\n');
  for (const fence of fencesOf(markdown)) for (let i = fence.line - 1; i < fence.end; i++) lines[i] = '';
  return lines;
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens; repeats get -1, -2, ... */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const plain = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  prose(text.get(file)!).forEach((line, i) => {
    // Inline code is no link.
    const plain = line.replace(/`[^`]*`/g, '');
    for (const match of plain.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ file, line: i + 1, target: match[1]! });
    for (const match of plain.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g))
      links.push({ file, line: i + 1, target: match[1]! });
    for (const match of plain.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g)) links.push({ file, line: i + 1, target: match[1]! });
  });
  return links;
}

/** Where a relative link leads: a repository path and an anchor, or a problem. */
function resolve(link: Link): { path: string; anchor: string | undefined } | { problem: string } {
  const [path, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const target = path === '' ? link.file : normalize(join(dirname(link.file), decodeURIComponent(path)));
  if (target.startsWith('..') || target.startsWith('/')) return { problem: 'leads outside the repository' };
  return { path: target, anchor };
}

t.test(`README.md has at most ${README_MAX_LINES} lines`, async (t) => {
  const lines = text.get('README.md')!.replace(/\n$/, '').split('\n').length;
  t.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
});

t.test('docs/ holds the rest of the documentation', async (t) => {
  t.ok(files.length > 1, `documentation files: ${files.join(', ')}`);
});

t.test('every relative link and image leads to a file of the repository, and every #anchor to a heading', async (t) => {
  let checked = 0;
  for (const file of files) {
    for (const link of linksOf(file)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) {
        t.match(link.target, /^(https?|mailto):/, `${file}:${link.line}: ${link.target} is a web link`);
        continue;
      }
      checked++;
      const where = resolve(link);
      if ('problem' in where) {
        t.fail(`${file}:${link.line}: ${link.target} ${where.problem}`);
        continue;
      }
      const exists = existsSync(join(ROOT, where.path));
      t.ok(exists, `${file}:${link.line}: ${link.target} -> ${where.path} exists`);
      if (!exists || where.anchor === undefined) continue;
      if (statSync(join(ROOT, where.path)).isDirectory() || !where.path.endsWith('.md')) {
        t.fail(`${file}:${link.line}: ${link.target}: an anchor into something that is not Markdown`);
        continue;
      }
      const anchors = anchorsOf(readFileSync(join(ROOT, where.path), 'utf8'));
      t.ok(anchors.has(where.anchor), `${file}:${link.line}: #${where.anchor} is a heading of ${where.path}`);
    }
  }
  t.ok(checked > 0, `${checked} relative links checked`);
});

t.test('every file or folder of the repository that the text names exists', async (t) => {
  const topLevel = ['src', 'test', 'docs', 'fixtures', '.ci'];
  for (const file of files) {
    prose(text.get(file)!).forEach((line, i) => {
      for (const match of line.matchAll(/`([^`\s]+)`/g)) {
        const name = match[1]!.replace(/[),.:;]+$/, '');
        if (/[*<>{}$]/.test(name) || GENERATED.some((prefix) => name.startsWith(prefix))) continue;
        const isRepoPath = topLevel.some((dir) => name === dir || name.startsWith(`${dir}/`));
        const isDocument = /^[\w./-]+\.md$/.test(name);
        if (!isRepoPath && !isDocument) continue;
        const found = [name, relative(ROOT, join(ROOT, dirname(file), name))].some((candidate) => existsSync(join(ROOT, candidate)));
        t.ok(found, `${file}:${i + 1}: \`${name}\` exists in the repository`);
      }
    });
  }
});

t.test('every fenced block names its language, and shell examples are `sh` (so that they are run)', async (t) => {
  for (const file of files) {
    for (const fence of fencesOf(text.get(file)!)) {
      t.ok(fence.closed, `${file}:${fence.line}: the fence is closed`);
      t.ok(
        LANGUAGES.has(fence.language),
        `${file}:${fence.line}: language ${JSON.stringify(fence.language)} is one of ${[...LANGUAGES].join(', ')}`,
      );
    }
  }
});
