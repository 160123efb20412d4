import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { AUTH_FAILURES } from '../../src/inspector/auth-failures.js';
import { DEFAULT_CLIENT_SECRET } from '../../src/model/options.js';
import { buildTestApp, CLUSTER0, GROUP, PRIVATE_KEY, PUBLIC_KEY, V2_ACCEPT } from '../helpers/test-app.js';
import { listen } from '../helpers/auth.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';
import { launchChromium, pageProblems, seriousViolations } from '../helpers/browser.js';

// The inspector page (/_emulator/ui) in headless Chromium against an emulator listening on
// 127.0.0.1: what it shows, that a request made meanwhile with curl appears within a second,
// that its actions reach the emulator, the admin-token rule, and axe-core on every view.
// Screenshots of each view and the page's measured weight and first render go to
// .tap/screenshots/ (git-ignored), for a person to look at.

const run = promisify(execFile);
const SHOTS = new URL('../../.tap/screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });
const WIDE = { width: 1100, height: 900 };
const NARROW = { width: 320, height: 640 };
const TOKEN = 'inspector-admin-token';

let browser: Browser;
t.before(async () => {
  browser = await launchChromium();
});
t.teardown(() => browser?.close());

/** An emulator on 127.0.0.1 (in-process, from the sources); `controlReads` counts journal polls. */
async function emulator(t: Test, options: { adminToken?: string } = {}): Promise<{ app: FastifyInstance; base: string; polls: () => number }> {
  const app = buildTestApp(t, options);
  let polls = 0;
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/_emulator/requests?')) polls++;
  });
  return { app, base: await listen(app), polls: () => polls };
}

/** A fresh tab (no cache, no session storage) on a view; its console errors collected. */
async function open(t: Test, base: string, view: string, options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: WIDE, ...options });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems = pageProblems(page);
  await page.goto(`${base}/_emulator/ui#${view}`);
  return { page, problems };
}

/** curl --digest, as a user would; answers the status. */
async function curl(url: string, { user = `${PUBLIC_KEY}:${PRIVATE_KEY}`, headers = [] as string[] } = {}): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['--silent', '--digest', '--user', user, ...headers.flatMap((h) => ['-H', h]), '--write-out', '\n%{http_code}', url]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

const status = (page: Page) => page.locator('#status');
const journalRow = (page: Page, text: string) => page.locator('#journal-table tbody tr', { hasText: text });

t.test('the journal shows requests within a second, refusals in plain words; faults, resets, fixtures and the clock from the page', async (t) => {
  const { app, base, polls } = await emulator(t);
  const { page, problems } = await open(t, base, 'journal');
  await page.getByText('No request recorded matches.').waitFor();

  const good = await curl(`${base}${CLUSTER0}?itemsPerPage=3`);
  t.equal(good.status, 200);
  await journalRow(page, '?itemsPerPage=3').filter({ hasText: 'authenticated as emulator' }).filter({ hasText: '200' }).waitFor({ timeout: 1000 });

  const refused = await curl(`${base}${CLUSTER0}?itemsPerPage=4`, { user: `${PUBLIC_KEY}:wrong-password` });
  t.equal(refused.status, 401);
  const row = journalRow(page, '?itemsPerPage=4').filter({ hasText: 'rejected' });
  await row.waitFor({ timeout: 1000 });
  t.match(await row.innerText(), AUTH_FAILURES.bad_response.meaning, 'the reason in plain words');
  t.match(await row.innerText(), AUTH_FAILURES.bad_response.advice, 'and what to do');
  await row.getByRole('button').click();
  await t.resolves(page.locator('#entry-body', { hasText: '"reason": "bad_response"' }).waitFor(), 'the row opens its full journal entry');
  await page.screenshot({ path: new URL('inspector-journal.png', SHOTS).pathname, fullPage: true });

  await page.getByRole('link', { name: 'Actions' }).click();
  await page.selectOption('#fault-status', '503');
  await page.fill('#fault-times', '1');
  await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
  await t.resolves(status(page).getByText(/^Armed fault rule \S+: error 503 for any method on any path, once\.$/).waitFor(), 'the page says what it armed');
  t.equal((await curl(`${base}${CLUSTER0}`)).status, 503, 'the next API call answers 503');
  t.equal((await curl(`${base}${CLUSTER0}`)).status, 200, 'once only');

  await page.fill('#fault-times', '');
  await page.fill('#fault-path', '/api/atlas/**');
  await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
  await status(page).getByText(/: error 503 for any method on \/api\/atlas\/\*\*, every time\.$/).waitFor();
  const armed = /^Armed fault rule (\S+):/.exec(await status(page).innerText())![1]!;
  await page.getByRole('button', { name: `Disarm ${armed}` }).click();
  await t.resolves(status(page).getByText(`Disarmed fault rule ${armed}.`).waitFor(), 'disarmed from the page');
  t.notOk(app.emulator.faults.list().some((rule) => rule.id === armed), 'the rule is gone');

  await page.getByRole('button', { name: 'Freeze the clock' }).click();
  await status(page).getByText(/^Clock frozen: the emulator clock is now .* \(frozen\)\.$/).waitFor();
  const frozenAt = Date.parse(app.emulator.clock.state().now);
  await page.fill('#clock-advance-value', 'P2D');
  await page.getByRole('button', { name: 'Advance' }).click();
  const advanced = new Date(frozenAt + 2 * 86_400_000).toISOString();
  await t.resolves(status(page).getByText(`Clock advanced: the emulator clock is now ${advanced} (frozen).`).waitFor(), 'the clock moved by two days');
  const fixture = { projects: [{ id: 'cccccccccccccccccccccccc', name: 'Loaded', clusters: [{ name: 'C', clusterId: 'dddddddddddddddddddddddd', generate: { count: 5 } }] }] };
  await page.setInputFiles('#fixture-file', { name: 'loaded.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(fixture)) });
  await page.getByRole('button', { name: 'Load' }).click();
  await t.resolves(status(page).getByText('Loaded loaded.json (merge): the emulator now holds 3 projects, 5 clusters, 78 checkpoints.').waitFor());

  for (const scope of ['data', 'faults', 'clock', 'journal', 'all']) {
    await page.getByRole('button', { name: `Reset ${scope}` }).click();
    await t.resolves(status(page).getByText(`Reset ${scope}: done. The emulator now holds 2 projects, 4 clusters, 73 checkpoints.`).waitFor(), `reset ${scope}`);
  }
  t.equal(app.emulator.journal.total, 0);
  await page.getByRole('link', { name: 'Journal' }).click();
  await t.resolves(page.getByText('No request recorded matches.').waitFor({ timeout: 1000 }), 'the journal view is empty after the reset');
  t.match(await page.locator('#journal-summary').innerText(), /^0 requests recorded/);

  // Polling only while the journal is on screen.
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByText('Credentials', { exact: true }).waitFor();
  const before = polls();
  await page.waitForTimeout(1200);
  t.equal(polls(), before, 'no journal polling on another view');
  t.notOk((await page.content()).includes(PRIVATE_KEY) || (await page.content()).includes(DEFAULT_CLIENT_SECRET), 'no secret in the page');
  t.same(problems, [], 'no console errors');

  await page.getByRole('link', { name: 'Actions' }).click();
  await page.fill('#clock-set-value', '2001-01-01T00:00:00Z');
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  await t.resolves(status(page).getByText(/^Refused: Invalid set: .*\.$/).waitFor(), 'a refused move is reported in the answer’s words');
});

t.test('the data browser lists what the API lists, each row linking to the same bytes', async (t) => {
  const { base } = await emulator(t);
  const { page, problems } = await open(t, base, 'overview');
  await page.getByRole('region', { name: 'Clusters of Project0' }).getByRole('link', { name: 'Cluster0' }).click();
  await page.selectOption('#browse-size', '10');
  await page.getByText('Page 1 of 7 · 61 items').waitFor();
  const ids = async () => page.locator('#browse-table tbody tr td:nth-child(2)').allInnerTexts();
  const apiIds = async (url: string, headers: string[] = []) => (JSON.parse((await curl(url, { headers })).body).results as { id: string }[]).map((r) => r.id);
  t.same(await ids(), await apiIds(`${base}${CLUSTER0}?pageNum=1&itemsPerPage=10`), 'page 1: the same ids in the same order');
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2 of 7 · 61 items').waitFor();
  t.same(await ids(), await apiIds(`${base}${CLUSTER0}?pageNum=2&itemsPerPage=10`), 'page 2');

  const link = page.locator('#browse-table tbody a').first();
  const href = (await link.getAttribute('href'))!;
  const atlasPath = href.slice('/_emulator'.length);
  t.equal((await (await fetch(base + href)).text()), (await curl(base + atlasPath)).body, 'the link: the bytes the API answers');
  await link.click();
  await page.locator('#raw').waitFor();
  t.equal(await page.locator('#raw-body').textContent(), (await curl(`${base}${atlasPath}?pretty=true`)).body, 'the viewer: the bytes the API answers');
  t.equal(await page.evaluate(() => document.activeElement?.id), 'raw-title', 'the focus moves to what was opened');

  await page.selectOption('#browse-version', 'v2');
  for (const [resource, query] of [['snapshots', '&completed=all'], ['restoreJobs', '']] as const) {
    await page.selectOption('#browse-resource', resource);
    const api = `${base}/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/${resource}?pageNum=1&itemsPerPage=10${query}`;
    await page.getByRole('region', { name: `${resource}, page 1` }).waitFor();
    t.same(await ids(), await apiIds(api, [`Accept: ${V2_ACCEPT}`]), `${resource}, v2`);
  }
  t.same(problems, [], 'no console errors');
});

t.test('with an admin token, the page shows no data until the token is given, then keeps it for the tab', async (t) => {
  const { base } = await emulator(t, { adminToken: TOKEN });
  const { page, problems } = await open(t, base, 'overview', { bypassCSP: true });
  await page.locator('#token').waitFor();
  t.ok(await page.locator('#overview').isHidden(), 'no view is shown');
  t.notOk((await page.locator('main').innerText()).includes('Cluster0'), 'no data');
  t.same(await seriousViolations(page), [], 'axe: the token form');
  await page.screenshot({ path: new URL('inspector-token.png', SHOTS).pathname });

  await page.fill('#token-value', 'not-the-token');
  await page.getByRole('button', { name: 'Show the data' }).click();
  await t.resolves(page.getByText('That token was refused.').waitFor(), 'a wrong token is refused');
  t.notOk((await page.locator('main').innerText()).includes('Cluster0'));

  await page.fill('#token-value', TOKEN);
  await page.getByRole('button', { name: 'Show the data' }).click();
  await t.resolves(page.locator('#overview-body', { hasText: 'Cluster1' }).waitFor(), 'then the data');
  t.equal(await page.evaluate(() => sessionStorage.length), 1, 'kept in the tab’s session storage');
  await page.getByRole('link', { name: 'Journal' }).click();
  await t.resolves(page.locator('#journal-summary', { hasText: 'requests recorded' }).waitFor(), 'every view reads with it');
  // The refused reads are the only console errors: Chromium reports every 401 it is answered.
  t.same(problems.filter((p) => !p.includes('status of 401')), [], 'no other console errors');
});

t.test('axe-core finds no serious or critical violation on any view, wide or narrow; screenshots of each', async (t) => {
  const { base } = await emulator(t);
  await curl(`${base}${CLUSTER0}?itemsPerPage=2`);
  await curl(`${base}${CLUSTER0}`, { user: 'nobody:nothing' });
  for (const [width, viewport] of [['wide', WIDE], ['narrow', NARROW]] as const) {
    const { page } = await open(t, base, 'overview', { bypassCSP: true, viewport });
    const views: [string, () => Promise<unknown>][] = [
      ['overview', () => page.locator('#overview-body table').first().waitFor()],
      ['data', async () => {
        await page.locator('#browse-table tbody a').first().click();
        await page.locator('#raw').waitFor();
      }],
      ['journal', async () => {
        await journalRow(page, 'rejected').getByRole('button').click();
        await page.locator('#entry').waitFor();
      }],
      ['actions', async () => {
        await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
        await page.locator('#fault-table table').waitFor();
      }],
    ];
    for (const [view, shown] of views) {
      await page.getByRole('link', { name: view[0]!.toUpperCase() + view.slice(1), exact: true }).click();
      await shown();
      t.same(await seriousViolations(page), [], `${view}, ${width}`);
      await page.screenshot({ path: new URL(`inspector-${view}-${width}.png`, SHOTS).pathname, fullPage: true });
    }
  }
});

t.test('page weight and time to first render, on a first load', async (t) => {
  const { base } = await emulator(t);
  const { page, problems } = await open(t, base, 'overview');
  await page.locator('#overview-body table').first().waitFor();
  const measured = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const shell = resources.filter((r) => r.initiatorType !== 'fetch');
    const sum = (entries: PerformanceResourceTiming[]) => entries.reduce((n, r) => n + r.transferSize, 0);
    return {
      files: [navigation, ...shell].map((r) => ({ url: new URL(r.name).pathname, transferSize: r.transferSize, bodySize: r.decodedBodySize })),
      pageBytes: navigation.transferSize + sum(shell),
      dataBytes: sum(resources.filter((r) => r.initiatorType === 'fetch')),
      firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      domContentLoadedMs: navigation.domContentLoadedEventEnd,
    };
  });
  writeFileSync(new URL('inspector-metrics.json', SHOTS), `${JSON.stringify(measured, null, 2)}\n`);
  t.comment(`page ${measured.pageBytes} bytes (+ ${measured.dataBytes} bytes of data), first contentful paint ${measured.firstContentfulPaintMs?.toFixed(0)} ms`);
  t.same(measured.files.map((f) => f.url).sort(), ['/_emulator/ui', '/_emulator/ui/inspector.css', '/_emulator/ui/inspector.js'], 'three files, all from the emulator');
  t.ok(measured.pageBytes < 64 * 1024, `a small page (${measured.pageBytes} bytes)`);
  t.ok(measured.firstContentfulPaintMs !== undefined && measured.firstContentfulPaintMs < 2000, `a first render soon (${measured.firstContentfulPaintMs} ms)`);
  t.same(problems, []);
});

t.test('the built package serves the same page (dist/ui)', async (t) => {
  const started = spawnEmulator({ args: [new URL('../../dist/cli.js', import.meta.url).pathname], env: { ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => started.stop());
  const base = await started.ready;
  for (const [route, file] of [['/_emulator/ui', 'index.html'], ['/_emulator/ui/inspector.css', 'inspector.css'], ['/_emulator/ui/inspector.js', 'inspector.js']]) {
    const res = await fetch(base + route!);
    t.equal(res.status, 200, route);
    t.equal(await res.text(), readFileSync(new URL(`../../src/inspector/ui/${file}`, import.meta.url), 'utf8'), `${route} is src/inspector/ui/${file}`);
  }
});
