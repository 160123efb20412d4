import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { AUTH_FAILURES } from '../../src/inspector/auth-failures.js';
import { DEFAULT_CLIENT_SECRET, type EmulatorOptions } from '../../src/model/options.js';
import { buildTestApp, CLUSTER0, GROUP, GROUP2, PRIVATE_KEY, PUBLIC_KEY, V2_ACCEPT, LIVE, liveFixture } from '../helpers/test-app.js';
import { listen } from '../helpers/auth.js';
import { signedFetch } from '../helpers/control-client.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';
import { launchChromium, pageProblems, seriousViolations } from '../helpers/browser.js';

// The inspector page (/_emulator/ui) in headless Chromium against an emulator listening on
// 127.0.0.1: what it shows, that a request made meanwhile with curl appears within a second,
// that the timeline follows changes made over the API within two seconds, that its actions
// reach the emulator, the admin-token rule, and axe-core on every view. Screenshots of each
// view and the page's measured weight and first render go to .tap/screenshots/ (git-ignored),
// for a person to look at.

const run = promisify(execFile);
const SHOTS = new URL('../../.tap/screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });
const WIDE = { width: 1400, height: 1000 };
const NARROW = { width: 600, height: 900 };
const SMALLEST = { width: 320, height: 640 };
const TOKEN = 'inspector-admin-token';
const START = '2026-01-01T00:00:00Z';
/** A live cluster that went live two months before START: its snapshots expire as the clock moves. */
const LIVE_FIXTURE = liveFixture('2025-11-01T00:00:00Z');

let browser: Browser;
t.before(async () => {
  browser = await launchChromium();
});
t.teardown(() => browser?.close());

/** An emulator on 127.0.0.1 (in-process, from the sources); `polls` counts the journal's and the timeline's reads. */
async function emulator(t: Test, options: EmulatorOptions = {}): Promise<{ app: FastifyInstance; base: string; polls: () => number }> {
  const app = buildTestApp(t, options);
  let polls = 0;
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/_emulator/requests?') || request.url.startsWith('/_emulator/timeline')) polls++;
  });
  return { app, base: await listen(app), polls: () => polls };
}

/** A control call over HTTP, as a test suite in any language makes it. */
async function controlCall(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Waits until `done` holds (checked every 50 ms); answers how long that took. */
async function until(done: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
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

/** curl --digest, as a user would (no credentials with user ''; `data` as -d sends it); answers the status and body. */
async function curl(
  url: string,
  { user = `${PUBLIC_KEY}:${PRIVATE_KEY}`, headers = [] as string[], data = undefined as string | undefined } = {},
): Promise<{ status: number; body: string }> {
  const auth = user === '' ? [] : ['--digest', '--user', user];
  const body = data === undefined ? [] : ['-d', data];
  const { stdout } = await run('curl', [
    '--silent',
    ...auth,
    ...body,
    ...headers.flatMap((h) => ['-H', h]),
    '--write-out',
    '\n%{http_code}',
    url,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

const status = (page: Page) => page.locator('#status');
const journalRow = (page: Page, text: string) => page.locator('#journal-table tbody tr', { hasText: text });

t.test(
  'the journal shows requests within a second, refusals in plain words; faults, resets, fixtures and the clock from the page',
  async (t) => {
    const { app, base, polls } = await emulator(t);
    const { page, problems } = await open(t, base, 'journal');
    await page.getByText('No request recorded matches.').waitFor();

    const good = await curl(`${base}${CLUSTER0}?itemsPerPage=3`);
    t.equal(good.status, 200);
    await journalRow(page, '?itemsPerPage=3')
      .filter({ hasText: 'authenticated as emulator' })
      .filter({ hasText: '200' })
      .waitFor({ timeout: 1000 });

    const refused = await curl(`${base}${CLUSTER0}?itemsPerPage=4`, { user: `${PUBLIC_KEY}:wrong-password` });
    t.equal(refused.status, 401);
    const row = journalRow(page, '?itemsPerPage=4').filter({ hasText: 'rejected' });
    await row.waitFor({ timeout: 1000 });
    t.match(await row.innerText(), AUTH_FAILURES.bad_response.meaning, 'the reason in plain words');
    t.match(await row.innerText(), AUTH_FAILURES.bad_response.advice, 'and what to do');
    await row.getByRole('button').click();
    await t.resolves(
      page.locator('#entry-body', { hasText: '"reason": "bad_response"' }).waitFor(),
      'the row opens its full journal entry',
    );
    await page.screenshot({ path: new URL('inspector-journal.png', SHOTS).pathname, fullPage: true });

    await page.getByRole('link', { name: 'Actions' }).click();
    await page.selectOption('#fault-status', '503');
    await page.fill('#fault-times', '1');
    await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
    await t.resolves(
      status(page)
        .getByText(/^Armed fault rule \S+: error 503 for any method on any path, once\.$/)
        .waitFor(),
      'the page says what it armed',
    );
    t.equal((await curl(`${base}${CLUSTER0}`)).status, 503, 'the next API call answers 503');
    t.equal((await curl(`${base}${CLUSTER0}`)).status, 200, 'once only');

    await page.fill('#fault-times', '');
    await page.fill('#fault-path', '/api/atlas/**');
    await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
    await status(page)
      .getByText(/: error 503 for any method on \/api\/atlas\/\*\*, every time\.$/)
      .waitFor();
    const armed = /^Armed fault rule (\S+):/.exec(await status(page).innerText())![1]!;
    await page.getByRole('button', { name: `Disarm ${armed}` }).click();
    await t.resolves(status(page).getByText(`Disarmed fault rule ${armed}.`).waitFor(), 'disarmed from the page');
    t.notOk(
      app.emulator.faults.list().some((rule) => rule.id === armed),
      'the rule is gone',
    );

    await page.getByRole('button', { name: 'Freeze the clock' }).click();
    await status(page)
      .getByText(/^Clock frozen: the emulator clock is now .* \(frozen\)\.$/)
      .waitFor();
    const frozenAt = Date.parse(app.emulator.clock.state().now);
    await page.fill('#clock-advance-value', 'P2D');
    await page.getByRole('button', { name: 'Advance' }).click();
    const advanced = new Date(frozenAt + 2 * 86_400_000).toISOString();
    await t.resolves(
      status(page).getByText(`Clock advanced: the emulator clock is now ${advanced} (frozen).`).waitFor(),
      'the clock moved by two days',
    );
    const fixture = {
      projects: [
        {
          id: 'cccccccccccccccccccccccc',
          name: 'Loaded',
          clusters: [{ name: 'C', clusterId: 'dddddddddddddddddddddddd', generate: { count: 5 } }],
        },
      ],
    };
    await page.setInputFiles('#fixture-file', {
      name: 'loaded.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(fixture)),
    });
    await page.getByRole('button', { name: 'Load' }).click();
    await t.resolves(
      status(page).getByText('Loaded loaded.json (merge): the emulator now holds 3 projects, 5 clusters, 78 checkpoints.').waitFor(),
    );

    for (const scope of ['data', 'faults', 'clock', 'journal', 'all']) {
      await page.getByRole('button', { name: `Reset ${scope}` }).click();
      await t.resolves(
        status(page).getByText(`Reset ${scope}: done. The emulator now holds 2 projects, 4 clusters, 73 checkpoints.`).waitFor(),
        `reset ${scope}`,
      );
    }
    t.equal(app.emulator.journal.total, 0);
    await page.getByRole('link', { name: 'Journal' }).click();
    await t.resolves(
      page.getByText('No request recorded matches.').waitFor({ timeout: 1000 }),
      'the journal view is empty after the reset',
    );
    t.match(await page.locator('#journal-summary').innerText(), /^0 requests recorded/);

    // Polling only while the journal is on screen.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('Credentials', { exact: true }).waitFor();
    const before = polls();
    await page.waitForTimeout(1200);
    t.equal(polls(), before, 'no journal or timeline polling on another view');
    t.notOk(
      (await page.content()).includes(PRIVATE_KEY) || (await page.content()).includes(DEFAULT_CLIENT_SECRET),
      'no secret in the page',
    );
    t.same(problems, [], 'no console errors');

    await page.getByRole('link', { name: 'Actions' }).click();
    await page.fill('#clock-set-value', '2001-01-01T00:00:00Z');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await t.resolves(
      status(page)
        .getByText(/^Refused: Invalid set: .*\.$/)
        .waitFor(),
      'a refused move is reported in the answer’s words',
    );
  },
);

t.test('the data browser lists what the API lists, each row linking to the same bytes', async (t) => {
  const { base } = await emulator(t);
  const { page, problems } = await open(t, base, 'overview');
  await page.getByRole('region', { name: 'Clusters of Project0' }).getByRole('link', { name: 'Cluster0' }).click();
  await page.selectOption('#browse-size', '10');
  await page.getByText('Page 1 of 7 · 61 items').waitFor();
  const ids = async () => page.locator('#browse-table tbody tr td:nth-child(2)').allInnerTexts();
  const apiIds = async (url: string, headers: string[] = []) =>
    (JSON.parse((await curl(url, { headers })).body).results as { id: string }[]).map((r) => r.id);
  t.same(await ids(), await apiIds(`${base}${CLUSTER0}?pageNum=1&itemsPerPage=10`), 'page 1: the same ids in the same order');
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2 of 7 · 61 items').waitFor();
  t.same(await ids(), await apiIds(`${base}${CLUSTER0}?pageNum=2&itemsPerPage=10`), 'page 2');

  const link = page.locator('#browse-table tbody a').first();
  const href = (await link.getAttribute('href'))!;
  const atlasPath = href.slice('/_emulator'.length);
  t.equal(await (await fetch(base + href)).text(), (await curl(base + atlasPath)).body, 'the link: the bytes the API answers');
  await link.click();
  await page.locator('#raw').waitFor();
  t.equal(
    await page.locator('#raw-body').textContent(),
    (await curl(`${base}${atlasPath}?pretty=true`)).body,
    'the viewer: the bytes the API answers',
  );
  t.equal(await page.evaluate(() => document.activeElement?.id), 'raw-title', 'the focus moves to what was opened');

  await page.selectOption('#browse-version', 'v2');
  for (const [resource, query] of [
    ['snapshots', '&completed=all'],
    ['restoreJobs', ''],
  ] as const) {
    await page.selectOption('#browse-resource', resource);
    const api = `${base}/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/${resource}?pageNum=1&itemsPerPage=10${query}`;
    await page.getByRole('region', { name: `${resource}, page 1` }).waitFor();
    t.same(await ids(), await apiIds(api, [`Accept: ${V2_ACCEPT}`]), `${resource}, v2`);
  }
  t.same(problems, [], 'no console errors');
});

const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
/** The ids of a chart's marks of one resource (a restore batch's: its jobs' ids), in the order drawn. */
const markIds = (chart: Locator, resource: string) =>
  chart.locator(`.mark[data-resource="${resource}"]`).evaluateAll((marks) => marks.map((m) => (m as HTMLElement).dataset.ids!));
/** The ids a list operation gives now (every page), as an API client reads them. */
async function listedIds(base: string, groupId: string, cluster: string, resource: string, query = ''): Promise<string[]> {
  const ids: string[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = JSON.parse(
      (await curl(`${base}/api/atlas/v1.0/groups/${groupId}/clusters/${cluster}/${resource}?itemsPerPage=500&pageNum=${pageNum}${query}`))
        .body,
    );
    ids.push(...page.results.map((r: { id: string }) => r.id));
    if (ids.length >= page.totalCount) return ids;
  }
}

t.test(
  'the timeline names every cluster; the default Cluster0 shows its 61 checkpoints, its snapshots and its finished batch; a mark shows its JSON',
  async (t) => {
    const { base } = await emulator(t, { clock: START });
    const { page, problems } = await open(t, base, 'timeline');
    const cluster0 = region(page, 'Project0 / Cluster0');
    await cluster0.locator('.totals').getByText('61 checkpoints, 8 snapshots, 1 restore batch', { exact: true }).waitFor();
    t.same(
      await page.locator('#timeline-body h2').allInnerTexts(),
      ['Project0 / Cluster0', 'Project0 / Cluster1', 'Project0 / CloudCluster', 'Project1 / Cluster0'],
      'every cluster of every project, named, in the order the dataset lists them',
    );
    t.match(await region(page, 'Project0 / CloudCluster').innerText(), /On Cloud Backup: the Legacy Backup API refuses/);
    t.match(
      await region(page, 'Project1 / Cluster0').locator('.totals').innerText(),
      /^12 checkpoints, 0 snapshots, 0 restore batches, as its lists give them now\.$/,
    );

    t.same(
      await markIds(cluster0, 'backupCheckpoints'),
      await listedIds(base, GROUP, 'Cluster0', 'backupCheckpoints'),
      'a tick for each of the 61 checkpoints the list gives',
    );
    const snapshots = await markIds(cluster0, 'snapshots');
    t.same([...snapshots].sort(), (await listedIds(base, GROUP, 'Cluster0', 'snapshots')).sort(), 'a bar for each of its 8 snapshots');
    t.same(
      await cluster0.locator('.lane-label').allTextContents(),
      [
        'Checkpoints: 61 in this range',
        'Point-in-time window: the last 24 hours, restorable to any moment',
        'Snapshots kept daily (7 days): 2',
        'Recent snapshots (2 days): 6',
        'Restore batches: 1',
      ],
      'retentions told apart by lane and label',
    );
    t.match(
      await cluster0.locator('.batches').innerText(),
      /^Restore batch 5a7ce3c080eef53de5c00000: 3 jobs, created 2018-02-09 00:00:00 UTC, finished\.$/,
    );

    const [snapshot] = snapshots;
    await cluster0.locator(`.mark[data-ids="${snapshot}"]`).click();
    const json = cluster0.locator('section.panel pre');
    await json.first().waitFor();
    const api = await curl(`${base}/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/snapshots/${snapshot}`);
    t.equal(
      await json.first().textContent(),
      JSON.stringify(JSON.parse(api.body), null, 2),
      'a click on a snapshot shows the JSON the API answers',
    );
    t.match(await json.first().textContent(), `"id": "${snapshot}"`);
    t.match(
      await page.evaluate(() => document.activeElement?.textContent),
      /^Snapshot \w{24}, kept daily: created 2018-02-09 00:00:00 UTC, expires 2018-02-16 00:00:00 UTC \(Project0 \/ Cluster0\)$/,
      'the focus moves to it',
    );

    // The keyboard: one tab stop per chart, arrow keys between marks, Enter opens one.
    await cluster0.locator('.mark[tabindex="0"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    t.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      `Checkpoint ${(await listedIds(base, GROUP, 'Cluster0', 'backupCheckpoints'))[1]} at 2018-02-09 14:50:18 UTC`,
    );
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await cluster0.locator('section.panel h3', { hasText: /^Restore batch 5a7ce3c080eef53de5c00000/ }).waitFor();
    t.equal(await json.count(), 3, 'a batch shows each of its jobs');
    t.match(await json.nth(2).textContent(), '"statusName": "FINISHED"');
    t.same(problems, [], 'no console errors');
  },
);

t.test('the timeline follows changes made over the API within 2 s, without a reload', async (t) => {
  const { base } = await emulator(t, { clock: START });
  t.equal((await controlCall(base, 'POST', '/fixtures?mode=merge', LIVE_FIXTURE)).status, 200);
  const { page, problems } = await open(t, base, 'timeline');
  const live = region(page, 'LiveProject / Live');
  await live.locator('.totals').waitFor();
  await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  const checkpoints = await markIds(live, 'backupCheckpoints');
  const snapshots = await markIds(live, 'snapshots');
  t.same(checkpoints, await listedIds(base, LIVE, 'Live', 'backupCheckpoints'), 'the checkpoints of the last 24 hours');

  t.same((await controlCall(base, 'POST', '/clock', { advance: 'P2D' })).body, { now: '2026-01-03T00:00:00.000Z', frozen: true });
  const newCheckpoints = await listedIds(base, LIVE, 'Live', 'backupCheckpoints');
  const keptSnapshots = (await listedIds(base, LIVE, 'Live', 'snapshots', '&completed=all')).sort();
  const took = await until(
    async () => JSON.stringify(await markIds(live, 'backupCheckpoints')) === JSON.stringify(newCheckpoints),
    2000,
    'the new checkpoints',
  );
  t.comment(`the timeline showed the clock moved by two days after ${took} ms`);
  t.notOk(
    newCheckpoints.some((id) => checkpoints.includes(id)),
    'all of them new',
  );
  t.same((await markIds(live, 'snapshots')).sort(), keptSnapshots, 'the snapshots the list gives now');
  const expired = snapshots.filter((id) => !keptSnapshots.includes(id));
  t.ok(expired.length > 0, `the expired ones are gone (${expired.length})`);
  t.equal(await page.locator('#timeline-clock').innerText(), 'Emulator clock: 2026-01-03 00:00:00 UTC, frozen.');

  // A restore batch created over the API: in progress, then FINISHED when the clock passes its end.
  const created = await run('curl', [
    '--silent',
    '--digest',
    '--user',
    `${PUBLIC_KEY}:${PRIVATE_KEY}`,
    '-H',
    'content-type: application/json',
    '--data',
    JSON.stringify({ snapshotId: keptSnapshots.at(-2), delivery: { methodName: 'HTTP' } }),
    `${base}/api/atlas/v1.0/groups/${LIVE}/clusters/Live/restoreJobs`,
  ]);
  const { batchId } = JSON.parse(created.stdout).results[0];
  const batch = live.locator('.batches li', { hasText: batchId });
  await batch
    .getByText(`Restore batch ${batchId}: 3 jobs, created 2026-01-03 00:00:00 UTC, in progress until 2026-01-03 00:10:00 UTC.`)
    .waitFor({ timeout: 2000 });
  t.match(await live.locator('.totals').innerText(), /, 1 restore batch \(3 restore jobs\), as its lists give them now\.$/);
  await controlCall(base, 'POST', '/clock', { advance: 'PT10M' });
  await t.resolves(
    batch
      .getByText(`Restore batch ${batchId}: 3 jobs, created 2026-01-03 00:00:00 UTC, finished at 2026-01-03 00:10:00 UTC.`)
      .waitFor({ timeout: 2000 }),
    'FINISHED once the clock passes its end',
  );
  t.equal(await live.locator('.batch-label').textContent(), '3 jobs, FINISHED');

  // Zoom from minutes to months; move back in time; follow the clock again.
  const shown = live.locator('.tl-text p.muted');
  await live.getByLabel('Show').selectOption({ label: '30 minutes' });
  await shown.getByText(/^Shown: 2026-01-02 23:41:51 UTC to 2026-01-03 00:11:51 UTC \(30 minutes\): 2 checkpoints, /).waitFor();
  t.equal(await live.locator('.mark[data-resource="backupCheckpoints"]').count(), 2, 'the checkpoints of those 30 minutes');
  await live.getByLabel('Show').selectOption({ label: '1 year' });
  await shown.getByText(/\(365 days\): 96 checkpoints, /).waitFor();
  t.same(
    await live.locator('.lane-label').allTextContents(),
    [
      'Checkpoints: 96 in this range',
      'Point-in-time window: the last 24 hours, restorable to any moment',
      'Snapshots kept monthly (13 months): 2',
      'Snapshots kept weekly (4 weeks): 4',
      'Snapshots kept daily (7 days): 5',
      'Recent snapshots (2 days): 6',
      'Restore batches: 1',
    ],
    'a year: every lane, the monthly snapshots too',
  );
  await live.getByRole('button', { name: 'Earlier' }).click();
  await shown
    .getByText(/^Shown: 2024-07-26 19:48:00 UTC .* \(365 days\): 0 checkpoints, .* Now \(2026-01-03 00:10:00 UTC\) is later\.$/)
    .waitFor();
  t.equal(await live.getByRole('button', { name: 'Follow now' }).getAttribute('aria-pressed'), 'false');
  await live.getByRole('button', { name: 'Follow now' }).click();
  await shown.getByText(/\(365 days\): 96 checkpoints, /).waitFor();
  t.equal(await live.getByRole('button', { name: 'Follow now' }).getAttribute('aria-pressed'), 'true');
  t.ok(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), 'the same page all along (no reload)');
  t.same(problems, [], 'no console errors');
});

t.test(
  'a 503 on page 2 armed from the page: the next API call for page 2 answers 503, page 1 200; then the rule reads as spent',
  async (t) => {
    const { base } = await emulator(t);
    const { page, problems } = await open(t, base, 'actions');
    await page.locator('#fault-cluster option', { hasText: 'Project0 / Cluster0' }).waitFor({ state: 'attached' });
    await page.selectOption('#fault-operation', 'GET /api/atlas/*/groups/*/clusters/*/backupCheckpoints');
    t.equal(await page.inputValue('#fault-method'), 'GET', 'the operation fills in the method');
    t.equal(await page.inputValue('#fault-path'), '/api/atlas/*/groups/*/clusters/*/backupCheckpoints', 'and the path');
    await page.selectOption('#fault-cluster', { label: 'Project0 / Cluster0' });
    await page.fill('#fault-page', '2');
    await page.selectOption('#fault-status', '503');
    await page.fill('#fault-times', '1');
    await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
    await t.resolves(
      status(page)
        .getByText(
          `Armed fault rule fault-1: error 503 for GET on /api/atlas/*/groups/*/clusters/*/backupCheckpoints, cluster ${GROUP}/Cluster0, page 2, once.`,
        )
        .waitFor(),
    );
    t.equal((await curl(`${base}${CLUSTER0}?pageNum=1&itemsPerPage=10`)).status, 200, 'page 1: 200');
    t.equal(
      (await curl(`${base}/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints?pageNum=2&itemsPerPage=5`)).status,
      200,
      'page 2 of another project’s Cluster0: 200',
    );
    t.equal((await curl(`${base}${CLUSTER0}?pageNum=2&itemsPerPage=10`)).status, 503, 'page 2: 503');
    t.equal((await curl(`${base}${CLUSTER0}?pageNum=2&itemsPerPage=10`)).status, 200, 'once');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: 'Actions' }).click();
    const row = page.locator('#fault-table tbody tr', { hasText: 'fault-1' });
    await row.getByText('spent', { exact: true }).waitFor();
    t.match(
      await row.innerText(),
      /^fault-1\tGET on \/api\/atlas\/\*\/groups\/\*\/clusters\/\*\/backupCheckpoints, cluster \w+\/Cluster0, page 2\terror 503\t1\t1\tspent\t/,
    );
    t.match(await page.inputValue('#clock-set-value'), /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/);
    t.ok(Date.parse(await page.inputValue('#clock-set-value')) > Date.now(), 'the clock proposes a time after now');
    t.same(problems, [], 'no console errors');
  },
);

t.test(
  'the journal: a Digest handshake reads as one row, challenges hidden by a filter, the date on every row, clock jumps marked',
  async (t) => {
    const { base } = await emulator(t, { clock: START });
    const { page, problems } = await open(t, base, 'journal');
    await page.getByText('No request recorded matches.').waitFor();
    t.equal((await curl(`${base}${CLUSTER0}?itemsPerPage=3`)).status, 200);
    await controlCall(base, 'POST', '/clock', { advance: 'P2DT6H' });
    t.equal(
      (await curl(`${base}${CLUSTER0}?itemsPerPage=4`, { user: '' })).status,
      401,
      'a request without credentials: a challenge nobody answers',
    );
    const signed = journalRow(page, '?itemsPerPage=3');
    const challenge = journalRow(page, '?itemsPerPage=4');
    await challenge.waitFor({ timeout: 1000 });
    t.equal(await signed.count(), 1, 'curl’s challenge and signed request: one row');
    t.match(
      await signed.innerText(),
      /^1\t200\tGET \S+\?itemsPerPage=3\t\s*Answers Digest challenge #0 \(401\): one handshake\.\s*\tauthenticated as emulator\t2026-01-01 00:00:00\.000$/,
    );
    t.match(
      await challenge.innerText(),
      /^2\t401 challenge\tGET \S+\?itemsPerPage=4\tDigest challenge: the first half of a handshake\. .*\tchallenge\t2026-01-03 06:00:00\.000$/,
    );
    t.equal(await challenge.locator('.status-4').count(), 0, 'not styled as a refusal');
    t.equal(await page.locator('#journal-table tr.gap').innerText(), '↑ 2 days 6 hours later on the emulator clock');
    for (const time of await page.locator('#journal-table tbody tr:not(.gap) td:last-child').allInnerTexts())
      t.match(time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/, 'the date and time on every row');

    await page.getByLabel('Hide Digest challenges').check();
    await t.resolves(challenge.waitFor({ state: 'detached', timeout: 1000 }), 'the filter hides the challenge');
    t.equal(await signed.count(), 1, 'and keeps the signed request');
    t.match(await page.locator('#journal-summary').innerText(), /^3 requests recorded .* the newest 1 matching are shown/);
    t.same(problems, [], 'no console errors');
  },
);

t.test(
  'the journal: a Digest answer signed over the path without its query says so, accepted by default, refused when strict',
  async (t) => {
    // As @mhoc/axios-digest-auth signs: the path, without the query string sent (docs/fidelity.md).
    const url = `${CLUSTER0}?itemsPerPage=5`;
    const note = `Digest uri signed: ${CLUSTER0}, not the request-target`;
    for (const [options, status, outcome, verdict] of [
      [{}, 200, 'authenticated as emulator', ': accepted, as Atlas accepts it.'],
      [{ strictDigestUri: true }, 401, 'rejected', ': refused by strict checking.'],
    ] as const) {
      const { base } = await emulator(t, options);
      const { page, problems } = await open(t, base, 'journal');
      t.equal((await signedFetch(base, url, CLUSTER0)).status, status);
      const row = journalRow(page, '?itemsPerPage=5').filter({ hasText: outcome });
      await row.waitFor({ timeout: 1000 });
      t.equal(await row.locator('td').nth(4).innerText(), `${outcome}\n${note}${verdict}`, 'under its authentication');
      if (status === 401) t.match(await row.innerText(), AUTH_FAILURES.uri_mismatch.meaning, 'the refusal in plain words');
      t.same(problems, [], 'no console errors');
    }
  },
);

t.test('a browser at / or /_emulator/ lands on the inspector, with no password prompt', async (t) => {
  const { base } = await emulator(t);
  const context = await browser.newContext({ viewport: WIDE });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems = pageProblems(page);
  for (const typed of ['/', '/_emulator/', '/_emulator/ui/']) {
    const response = await page.goto(`${base}${typed}`);
    t.equal(response?.status(), 200, `${typed}: the page`);
    t.equal(page.url(), `${base}/_emulator/ui`, `${typed}: at its address`);
    await t.resolves(page.getByRole('link', { name: 'Journal' }).waitFor(), 'drawn');
  }
  t.same(problems, [], 'no console errors');
});

t.test('a body sent with curl -d alone: its 415 row says why in words, and so does its full entry', async (t) => {
  const { base } = await emulator(t);
  const { page, problems } = await open(t, base, 'journal');
  await page.getByText('No request recorded matches.').waitFor();
  const jobs = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/restoreJobs`;
  const sent = await curl(`${base}${jobs}`, { data: '{"snapshotId": "5a7e36003d4042eca5066f60", "delivery": {"methodName": "HTTP"}}' });
  t.equal(sent.status, 415);
  t.equal(
    sent.body,
    '{"detail":"The request is not valid.","error":415,"errorCode":"INVALID_REQUEST","parameters":[],"reason":"Unsupported Media Type"}',
  );
  const reason = 'The body was sent as application/x-www-form-urlencoded; send it as JSON with Content-Type: application/json.';
  const row = journalRow(page, `POST ${jobs}`).filter({ hasText: '415' });
  await row.waitFor({ timeout: 1000 });
  t.match(await row.innerText(), reason, 'the row says why');
  await row.getByRole('button').click();
  t.equal(await page.locator('#entry-why').innerText(), reason, 'and so does the full entry');
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
  t.same(
    problems.filter((p) => !p.includes('status of 401')),
    [],
    'no other console errors',
  );
});

t.test('axe-core finds no serious or critical violation on any view, wide or narrow; screenshots of each', async (t) => {
  const { base } = await emulator(t, { clock: START });
  await controlCall(base, 'POST', '/fixtures?mode=merge', LIVE_FIXTURE);
  await curl(`${base}${CLUSTER0}?itemsPerPage=2`);
  await controlCall(base, 'POST', '/clock', { advance: 'P1D' });
  await curl(`${base}${CLUSTER0}`, { user: 'nobody:nothing' });
  await curl(`${base}${CLUSTER0}?pageNum=2`, { user: '' });
  const shots: string[] = [];
  for (const viewport of [WIDE, NARROW, SMALLEST]) {
    const size = `${viewport.width}x${viewport.height}`;
    const { page } = await open(t, base, 'overview', { bypassCSP: true, viewport });
    const views: [string, () => Promise<unknown>][] = [
      ['overview', () => page.locator('#overview-body table').first().waitFor()],
      [
        'timeline',
        async () => {
          const cluster0 = region(page, 'Project0 / Cluster0');
          await cluster0.locator('.mark[data-resource="snapshots"]').first().click();
          await cluster0.locator('section.panel pre').first().waitFor();
          await region(page, 'LiveProject / Live').locator('.mark').first().waitFor();
        },
      ],
      [
        'data',
        async () => {
          await page.locator('#browse-table tbody a').first().click();
          await page.locator('#raw').waitFor();
        },
      ],
      [
        'journal',
        async () => {
          await journalRow(page, 'rejected').getByRole('button').click();
          await page.locator('#entry').waitFor();
        },
      ],
      [
        'actions',
        async () => {
          await page.fill('#fault-page', '2');
          await page.fill('#fault-times', '1');
          await page.getByRole('button', { name: 'Arm fault', exact: true }).click();
          await page.locator('#fault-table table').waitFor();
        },
      ],
    ];
    for (const [view, shown] of views) {
      await page.getByRole('link', { name: view[0]!.toUpperCase() + view.slice(1), exact: true }).click();
      await shown();
      t.same(await seriousViolations(page), [], `${view}, ${size}`);
      t.ok(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        `${view}, ${size}: the page fits the width (only tables and charts' JSON scroll)`,
      );
      const shot = new URL(`inspector-${view}-${size}.png`, SHOTS).pathname;
      await page.screenshot({ path: shot, fullPage: true });
      shots.push(shot);
    }
  }
  t.comment(`screenshots: ${shots.join(' ')}`);
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
      files: [navigation, ...shell].map((r) => ({
        url: new URL(r.name).pathname,
        transferSize: r.transferSize,
        bodySize: r.decodedBodySize,
      })),
      pageBytes: navigation.transferSize + sum(shell),
      decodedBytes: [navigation, ...shell].reduce((n, r) => n + r.decodedBodySize, 0),
      dataBytes: sum(resources.filter((r) => r.initiatorType === 'fetch')),
      firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      domContentLoadedMs: navigation.domContentLoadedEventEnd,
    };
  });
  writeFileSync(new URL('inspector-metrics.json', SHOTS), `${JSON.stringify(measured, null, 2)}\n`);
  t.comment(
    `page ${measured.pageBytes} bytes transferred (${measured.decodedBytes} decoded; + ${measured.dataBytes} bytes of data), first contentful paint ${measured.firstContentfulPaintMs?.toFixed(0)} ms`,
  );
  t.same(
    measured.files.map((f) => f.url).sort(),
    ['/_emulator/ui', '/_emulator/ui/inspector.css', '/_emulator/ui/inspector.js'],
    'three files, all from the emulator',
  );
  t.ok(measured.pageBytes < 64 * 1024, `a small page (${measured.pageBytes} bytes)`);
  t.ok(
    measured.firstContentfulPaintMs !== undefined && measured.firstContentfulPaintMs < 2000,
    `a first render soon (${measured.firstContentfulPaintMs} ms)`,
  );
  t.same(problems, []);
});

t.test('the built package serves the same page (dist/ui)', async (t) => {
  const started = spawnEmulator({ args: [new URL('../../dist/cli.js', import.meta.url).pathname], env: { ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => started.stop());
  const base = await started.ready;
  for (const [route, file] of [
    ['/_emulator/ui', 'index.html'],
    ['/_emulator/ui/inspector.css', 'inspector.css'],
    ['/_emulator/ui/inspector.js', 'inspector.js'],
  ]) {
    const res = await fetch(base + route!);
    t.equal(res.status, 200, route);
    t.equal(
      await res.text(),
      readFileSync(new URL(`../../src/inspector/ui/${file}`, import.meta.url), 'utf8'),
      `${route} is src/inspector/ui/${file}`,
    );
  }
});
