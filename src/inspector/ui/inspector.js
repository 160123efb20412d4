// The inspector's script: no framework, no build step. All it shows comes from the control
// routes under /_emulator (with the admin token when one is set); what they answer goes into
// the page as text, never as markup, since a journaled path is whatever a client sent.

const TOKEN = 'atlas-backup-emulator admin token';
const JOURNAL_POLL_MS = 500;
const TIMELINE_POLL_MS = 1000;
const NEWEST = 100;
const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json';
const SVG_NS = 'http://www.w3.org/2000/svg';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const $ = (id) => document.getElementById(id);

/** Content as nodes: nested lists flattened, nothing for undefined or null, text for the rest. */
const nodes = (content) => content.flat(Infinity).filter((c) => c !== undefined && c !== null).map((c) => (c instanceof Node ? c : String(c)));

function element(namespace, tag, attributes, content) {
  const made = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) made.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== false) made.setAttribute(name, value === true ? '' : value);
  }
  made.append(...nodes(content));
  return made;
}
/** An HTML element: attributes (`on…` ones are listeners, false ones left out) and content. */
const h = (tag, attributes = {}, ...content) => element(undefined, tag, attributes, content);
/** An SVG element, likewise. */
const s = (tag, attributes = {}, ...content) => element(SVG_NS, tag, attributes, content);

/** Replaces what the element of this id shows. */
const fill = (id, ...content) => $(id).replaceChildren(...nodes(content));

/** A table in a scrollable region (keyboard users can scroll it too); a row is a tr or its cells, a cell a td or its content. */
function table(label, headings, rows) {
  const cell = (value) => (value instanceof HTMLTableCellElement ? value : h('td', {}, value));
  const row = (cells) => (cells instanceof HTMLTableRowElement ? cells : h('tr', {}, cells.map(cell)));
  return h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {}, h('thead', {}, h('tr', {}, headings.map((heading) => h('th', { scope: 'col' }, heading)))), h('tbody', {}, rows.map(row))),
  );
}

const td = (className, ...content) => h('td', { class: className }, ...content);

function say(text, problem = false) {
  $('status').textContent = text;
  $('status').classList.toggle('problem', problem);
}

// ---- times -------------------------------------------------------------------------------

/** An instant on the emulator clock as people read it: 2026-01-31 12:00:00 UTC. */
const utc = (time) => `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const iso = (ms) => new Date(ms).toISOString();
const plural = (n, one, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** A length of time in words, to its two largest units: "2 days", "1 day 6 hours", "45 minutes". */
function lasting(ms) {
  const units = [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
    [SECOND, 'second'],
  ];
  const parts = [];
  let rest = Math.round(Math.abs(ms) / SECOND) * SECOND;
  for (const [size, name] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(plural(Math.floor(rest / size), name));
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join(' ') || 'no time';
}

// ---- the control routes ----------------------------------------------------------------

class Refused extends Error {}
class TokenNeeded extends Error {}

/** Calls a control route; answers its JSON, or the raw answer with `raw`. Throws Refused with the error's detail. */
async function control(method, path, { body, accept, raw = false } = {}) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN);
  if (token) headers.authorization = `Bearer ${token}`;
  if (accept) headers.accept = accept;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/_emulator${path}`, { method, headers, body: typeof body === 'object' ? JSON.stringify(body) : body });
  const text = await res.text();
  if (res.status === 401 && res.headers.get('x-error-code') === 'ADMIN_TOKEN_REQUIRED') {
    askForToken(token !== null);
    throw new TokenNeeded();
  }
  if (raw) return { status: res.status, text };
  const answer = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) throw new Refused(answer?.detail ?? `${res.status} ${res.statusText}`);
  return answer;
}

/** Puts a failure on the status line (a missing token has its own form). */
function report(err) {
  if (err instanceof Refused) say(`Refused: ${err.message}`, true);
  else if (!(err instanceof TokenNeeded)) say(`Failed: ${err.message}`, true);
}

/** Runs an action and says what changed on the status line. */
const act = (work) => work().then(say, report);

const counted = ({ projects, clusters, checkpoints }) => `${projects} projects, ${clusters} clusters, ${checkpoints} checkpoints`;

// ---- the admin token ---------------------------------------------------------------------

function askForToken(refused) {
  sessionStorage.removeItem(TOKEN);
  stopPolling();
  for (const section of document.querySelectorAll('main > section')) section.hidden = true;
  $('token').hidden = false;
  $('token-problem').hidden = !refused;
  say('');
  $('token-value').focus();
}

$('token').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN, $('token-value').value);
  $('token-value').value = '';
  $('token').hidden = true;
  show();
});

// ---- views -------------------------------------------------------------------------------

const VIEWS = {
  overview: loadOverview,
  timeline: () => every('timeline', TIMELINE_POLL_MS, pollTimeline),
  data: () => (dataChanged(), loadBrowser()),
  journal: () => every('journal', JOURNAL_POLL_MS, pollJournal),
  actions: () => (dataChanged(), loadActions()),
};
let current = 'overview';

/** Shows the view the address names (#overview, #timeline, #data, #journal, #actions). */
function show() {
  const name = location.hash.slice(1);
  if (Object.hasOwn(VIEWS, name)) current = name;
  stopPolling();
  $('token').hidden = true;
  for (const view of Object.keys(VIEWS)) $(view).hidden = view !== current;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.hash === `#${current}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  VIEWS[current]().catch(report);
}
window.addEventListener('hashchange', show);

let polling;
let loop = 0;
let shown = '';

/** Runs `work` now, then every `ms` while `view` is on screen in a visible tab: another view or a hidden tab costs the emulator nothing. */
async function every(view, ms, work) {
  stopPolling();
  const mine = loop;
  const tick = async () => {
    try {
      await work();
    } catch (err) {
      return report(err);
    }
    if (mine === loop && !document.hidden && current === view) polling = setTimeout(tick, ms);
  };
  await tick();
}
function stopPolling() {
  loop++;
  clearTimeout(polling);
  polling = undefined;
  shown = '';
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && (current === 'journal' || current === 'timeline') && $('token').hidden) VIEWS[current]().catch(report);
});

// ---- overview ----------------------------------------------------------------------------

const schedule = (s) =>
  `checkpoint every ${s.clusterCheckpointIntervalMin} min · snapshot every ${s.snapshotIntervalHours} h, kept ${s.snapshotRetentionDays} d` +
  ` (daily ${s.dailySnapshotRetentionDays} d, weekly ${s.weeklySnapshotRetentionWeeks} w, monthly ${s.monthlySnapshotRetentionMonths} mo) · point in time ${s.pointInTimeWindowHours} h`;
const count = (n) => td('number', n ?? '—');
const clock = (c) => `${c.now} (${c.frozen ? 'frozen' : 'running'})`;

async function loadOverview() {
  const { projects, credentials, clock: state } = await control('GET', '/overview');
  const browse = (project, cluster) => h('a', { href: '#data', onclick: () => chooseCluster(`${project.id}/${cluster.name}`) }, cluster.name);
  fill(
    'overview-body',
    h('p', {}, 'Emulator clock: ', h('strong', {}, clock(state))),
    projects.length === 0 ? h('p', {}, 'No projects: load a fixture (Actions).') : undefined,
    projects.map((project) => [
      h('h2', {}, `${project.name} `, h('code', {}, project.id)),
      table(
        `Clusters of ${project.name}`,
        ['Cluster', 'Type', 'Backup', 'Data', 'Checkpoints', 'Snapshots', 'Restore jobs', 'Schedule'],
        project.clusters.map((c) => [
          browse(project, c),
          c.type === 'SHARDED' ? `sharded, ${c.shards} shards` : 'replica set',
          c.backup === 'LEGACY' ? 'legacy' : 'cloud (no legacy API)',
          c.live ? `live since ${c.liveFrom}` : 'static',
          count(c.checkpoints),
          count(c.snapshots),
          count(c.restoreJobs),
          td('prose', schedule(c.schedule)),
        ]),
      ),
    ]),
    h('h2', {}, 'Credentials'),
    h('p', { class: 'muted' }, 'Who may authenticate now, by public key or client id (secrets are never shown).'),
    table(
      'Credentials',
      ['Kind', 'Public key or client id', 'Projects', 'Access list', 'From'],
      credentials.map((c) => [
        c.kind === 'apiKey' ? 'API key (Digest)' : 'service account (OAuth)',
        td('mono', c.id),
        c.projects === '*' ? 'all' : c.projects.join(', '),
        c.accessList ? c.accessList.join(', ') : 'any address',
        c.source === 'options' ? 'options (default)' : 'fixture',
      ]),
    ),
  );
}
$('overview-refresh').addEventListener('click', () => act(() => loadOverview().then(() => 'Overview refreshed.')));

// ---- projects and clusters in the order they were loaded ---------------------------------

/** GET /timeline's projects (in load order), kept until the data changes. */
let loaded;
async function loadedProjects() {
  loaded ??= (await control('GET', '/timeline')).projects;
  return loaded;
}
const dataChanged = () => (loaded = undefined);

// ---- timeline ----------------------------------------------------------------------------

const SPANS = [
  ['all', 'all its backups'],
  [30 * MINUTE, '30 minutes'],
  [2 * HOUR, '2 hours'],
  [12 * HOUR, '12 hours'],
  [2 * DAY, '2 days'],
  [7 * DAY, '1 week'],
  [30 * DAY, '1 month'],
  [91 * DAY, '3 months'],
  [365 * DAY, '1 year'],
];
const RETENTIONS = {
  monthly: { lane: 'Snapshots kept monthly', kept: (s) => plural(s.monthlySnapshotRetentionMonths, 'month'), fill: undefined, words: 'kept monthly' },
  weekly: { lane: 'Snapshots kept weekly', kept: (s) => plural(s.weeklySnapshotRetentionWeeks, 'week'), fill: 'url(#hatch)', words: 'kept weekly' },
  daily: { lane: 'Snapshots kept daily', kept: (s) => plural(s.dailySnapshotRetentionDays, 'day'), fill: 'url(#dots)', words: 'kept daily' },
  recent: { lane: 'Recent snapshots', kept: (s) => plural(s.snapshotRetentionDays, 'day'), fill: undefined, words: 'recent' },
};

/** Per cluster ("groupId/name"): its section's parts, what it shows (view), its marks and what was drawn. */
const charts = new Map();
let chartsKey = '';
let now = 0;

async function pollTimeline() {
  const summary = await control('GET', '/timeline');
  loaded = summary.projects;
  now = Date.parse(summary.clock.now);
  $('timeline-clock').textContent = `Emulator clock: ${utc(now)}, ${summary.clock.frozen ? 'frozen' : 'running'}.`;
  const clusters = summary.projects.flatMap((project) => project.clusters.map((cluster) => ({ project, cluster, key: `${project.id}/${cluster.name}` })));
  const key = clusters.map((c) => `${c.key}:${c.cluster.backup}`).join(' ');
  if (key !== chartsKey) {
    chartsKey = key;
    buildTimeline(clusters);
  }
  // A cluster deleted meanwhile (its marks refused) leaves the next summary.
  const gone = (err) => {
    if (!(err instanceof Refused)) throw err;
  };
  await Promise.all(clusters.map(({ key, cluster }) => updateChart(charts.get(key), cluster).catch(gone)));
}

function buildTimeline(clusters) {
  const kept = new Map(charts);
  charts.clear();
  if (clusters.length === 0) return fill('timeline-body', h('p', {}, 'No clusters: load a fixture (Actions).'));
  fill(
    'timeline-body',
    clusters.map(({ project, cluster, key }, i) => {
      const id = `tl-${i}`;
      const chart = {
        id,
        groupId: project.id,
        name: cluster.name,
        label: `${project.name} / ${cluster.name}`,
        view: kept.get(key)?.view ?? (cluster.live ? { span: 2 * DAY, follow: true } : { span: 'all' }),
        text: h('div', { class: 'tl-text' }),
        plot: h('div', { class: 'tl-plot' }),
        drawn: '',
        fetches: 0,
      };
      charts.set(key, chart);
      const legacy = cluster.backup === 'LEGACY';
      chart.span = h('select', { id: `${id}-span`, onchange: () => zoom(chart, chart.span.value) }, SPANS.map(([value, label]) => h('option', { value }, label)));
      chart.panel = h(
        'section',
        { class: 'panel', hidden: true, 'aria-labelledby': `${id}-mark-title` },
        h('h3', { id: `${id}-mark-title`, tabindex: '-1' }),
        h('div'),
        h('button', { type: 'button', onclick: () => (chart.panel.hidden = true) }, 'Close'),
      );
      return h(
        'section',
        { class: 'cluster', 'aria-labelledby': `${id}-title` },
        h('h2', { id: `${id}-title` }, chart.label),
        chart.text,
        legacy
          ? h(
              'div',
              { class: 'tl-controls' },
              h('label', { for: `${id}-span` }, 'Show'),
              chart.span,
              h('button', { type: 'button', onclick: () => pan(chart, -1) }, 'Earlier'),
              h('button', { type: 'button', onclick: () => pan(chart, 1) }, 'Later'),
              (chart.follows = h('button', { type: 'button', onclick: () => follow(chart) }, 'Follow now')),
            )
          : undefined,
        legacy ? chart.plot : undefined,
        chart.panel,
      );
    }),
  );
}

/** The time a chart shows: all its marks, or a span ending soon after now (following the clock) or where it was moved to. */
function rangeOf(chart, cluster) {
  const { view } = chart;
  // Quantised, so that a running clock redraws a chart only when it moves by a pixel or so.
  const upTo = (time, width) => Math.ceil(time / (width / 400)) * (width / 400);
  if (view.span === 'all') {
    const extent = cluster.extent;
    let from = extent ? Date.parse(extent.from) : now - DAY;
    let to = extent ? Date.parse(extent.to) : now;
    if (cluster.live || !extent) {
      from = Math.min(from, now - cluster.schedule.pointInTimeWindowHours * HOUR);
      to = Math.max(to, now);
    }
    const pad = Math.max((to - from) * 0.04, MINUTE);
    return { from: from - pad, to: cluster.live ? upTo(to + pad, to - from) : to + pad };
  }
  if (!view.follow) return { from: view.end - view.span, to: view.end };
  const to = upTo(now + view.span * 0.06, view.span);
  return { from: to - view.span, to };
}

/** The dates a query can carry (years 1970 to 9999). */
const clamp = (time) => Math.min(Math.max(time, 0), Date.UTC(9999, 11, 31));

async function updateChart(chart, cluster) {
  chart.cluster = cluster;
  if (cluster.backup !== 'LEGACY') {
    if (chart.drawn === '') {
      chart.drawn = 'cloud';
      chart.text.replaceChildren(h('p', {}, 'On Cloud Backup: the Legacy Backup API refuses its checkpoints, snapshots and restore jobs, so there is nothing to draw.'));
    }
    return;
  }
  const range = rangeOf(chart, cluster);
  // The marks of exactly the range shown, so that its counts are the range's: read again when the range or the version changes.
  const wanted = `${clamp(range.from)}/${clamp(range.to)}`;
  if (chart.fetched?.range !== wanted || chart.fetched.version !== cluster.version) {
    const path = `/timeline/${chart.groupId}/${encodeURIComponent(chart.name)}?from=${iso(clamp(range.from))}&to=${iso(clamp(range.to))}`;
    chart.marks = await control('GET', path);
    chart.fetched = { range: wanted, version: chart.marks.version };
    chart.fetches++;
  }
  const width = chart.plot.clientWidth;
  const drawn = `${wanted}/${chart.fetches}/${width}`;
  if (drawn !== chart.drawn) {
    chart.drawn = drawn;
    chart.range = range;
    chart.span.value = String(chart.view.span);
    chart.follows.setAttribute('aria-pressed', String(chart.view.follow === true));
    describe(chart, range);
    draw(chart, range, width);
  }
  placeNow(chart);
}

/** Redraws a chart now (after the user moved it). */
const redraw = (chart) => updateChart(chart, chart.cluster).catch(report);

function zoom(chart, value) {
  if (value === 'all') chart.view = { span: 'all' };
  else {
    const span = Number(value);
    const centre = (chart.range.from + chart.range.to) / 2;
    chart.view = chart.view.follow ? { span, follow: true } : { span, end: centre + span / 2, follow: false };
  }
  redraw(chart);
}

/** Half a span earlier (-1) or later (1); from "all", the nearest span that holds what it showed. */
function pan(chart, direction) {
  const { from, to } = chart.range;
  const span = chart.view.span === 'all' ? (SPANS.find(([value]) => value !== 'all' && value >= to - from) ?? SPANS.at(-1))[0] : chart.view.span;
  const end = (chart.view.span === 'all' ? (from + to) / 2 + span / 2 : to) + (direction * span) / 2;
  chart.view = { span, end, follow: false };
  redraw(chart);
}

function follow(chart) {
  chart.view = { span: chart.view.span === 'all' ? 2 * DAY : chart.view.span, follow: true };
  redraw(chart);
}

/** The words a screen reader (or anyone) reads for a chart: the totals its lists give, its kind, what the range holds. */
function describe(chart, range) {
  const { totals, live, liveFrom, type, schedule: s } = chart.cluster;
  const { checkpoints, snapshots, restoreBatches } = chart.marks;
  const totalWords = `${plural(totals.checkpoints, 'checkpoint')}, ${plural(totals.snapshots, 'snapshot')}, ${plural(totals.restoreBatches, 'restore batch', 'restore batches')}`;
  const kind = live
    ? `Live since ${utc(liveFrom)}: ${type === 'SHARDED' ? `a checkpoint every ${lasting(s.clusterCheckpointIntervalMin * MINUTE)}, ` : ''}a snapshot every ${lasting(s.snapshotIntervalHours * HOUR)}.`
    : 'Static: the data it was loaded with, which the clock does not change (restore jobs created over the API still progress).';
  const inRange = (part, ...marks) => (part.marks.length < part.inRange ? `${part.marks.length} of ${plural(part.inRange, ...marks)} drawn (evenly chosen; show less time to see each)` : plural(part.inRange, ...marks));
  const where = now > range.to ? ` Now (${utc(now)}) is later.` : now < range.from ? ` Now (${utc(now)}) is earlier.` : '';
  chart.text.replaceChildren(
    ...nodes([
      h('p', { class: 'totals' }, h('strong', {}, totalWords), totals.restoreJobs > 0 ? ` (${plural(totals.restoreJobs, 'restore job')})` : '', ', as its lists give them now.'),
      h('p', {}, kind, ` Any point in time of the last ${plural(s.pointInTimeWindowHours, 'hour')} can be restored.`),
      h('p', { class: 'muted' }, `Shown: ${utc(range.from)} to ${utc(range.to)} (${lasting(range.to - range.from)}): ${inRange(checkpoints, 'checkpoint')}, ${inRange(snapshots, 'snapshot')} (completed or not), ${inRange(restoreBatches, 'restore batch', 'restore batches')}.${where}`),
      restoreBatches.marks.length > 0 ? h('ul', { class: 'batches' }, restoreBatches.marks.map((b) => h('li', {}, batchWords(b)))) : undefined,
    ]),
  );
}

/** A restore batch in words: "Restore batch …: 3 jobs, created …, finished at …" (or "in progress until …"). */
function batchWords(b) {
  const status =
    b.statusName === 'FINISHED' ? (b.finishes ? `finished at ${utc(b.finishes)}` : 'finished') : b.statusName === 'IN_PROGRESS' ? `in progress until ${utc(b.finishes)}` : `status ${b.statusName ?? 'unknown'}`;
  return `Restore batch ${b.batchId ?? b.jobs[0].id}: ${plural(b.jobs.length, 'job')}, created ${utc(b.created)}, ${status}.`;
}

/** Axis ticks: a step that leaves about 120 pixels between labels, on round times (UTC). */
function ticksOf(from, to, width) {
  const fits = Math.max(2, Math.floor(width / 120));
  const steps = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
  const step = steps.find((size) => (to - from) / size <= fits);
  const ticks = [];
  if (step !== undefined) {
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
      const text = iso(t);
      ticks.push({ t, label: step >= DAY ? text.slice(0, 10) : t % DAY === 0 || ticks.length === 0 ? `${text.slice(5, 10)} ${text.slice(11, 16)}` : text.slice(11, 16) });
    }
    return ticks;
  }
  const months = [1, 3, 6, 12, 24, 60].find((n) => (to - from) / (n * 30 * DAY) <= fits) ?? 120;
  const start = new Date(from);
  for (let m = Math.ceil((start.getUTCFullYear() * 12 + start.getUTCMonth() + 1) / months) * months; ; m += months) {
    const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
    if (t > to) break;
    ticks.push({ t, label: iso(t).slice(0, months >= 12 ? 4 : 7) });
  }
  return ticks;
}

/** Rows for bars that must not overlap: each bar goes to the first row free at its start (at most `most` rows). */
function packer(most) {
  const ends = [];
  return (x1, x2) => {
    let row = ends.findIndex((end) => end < x1 - 2);
    if (row < 0) row = ends.length < most ? ends.length : ends.indexOf(Math.min(...ends));
    ends[row] = Math.max(ends[row] ?? -Infinity, x2);
    return row;
  };
}

/** A mark a person can select: a button in the chart (focus moves among them with the arrow keys). */
function mark(key, resource, ids, words, ...shapes) {
  return s('g', { class: 'mark', role: 'button', tabindex: '-1', 'aria-label': words, 'data-key': key, 'data-resource': resource, 'data-ids': ids.join(' ') }, s('title', {}, words), shapes);
}

function draw(chart, range, measured) {
  const { checkpoints, snapshots, restoreBatches } = chart.marks;
  const { schedule: sched } = chart.cluster;
  const width = Math.max(280, measured);
  const left = 8;
  const right = width - 8;
  const x = (t) => left + ((t - range.from) / (range.to - range.from)) * (right - left);
  const lanes = [];
  let y = 34;
  const lane = (title, height, content) => {
    lanes.push(s('text', { x: left, y: y + 12, class: 'lane-label' }, title), content(y + 18));
    y += 18 + height + 10;
  };

  lane(`Checkpoints: ${checkpoints.inRange} in this range`, 18, (top) =>
    checkpoints.marks.map((c) => {
      const at = x(Date.parse(c.timestamp));
      return mark(`c:${c.id}`, 'backupCheckpoints', [c.id], `Checkpoint ${c.id} at ${utc(c.timestamp)}`, s('rect', { x: at - 4, y: top, width: 8, height: 18, class: 'hit' }), s('rect', { x: at - 0.75, y: top, width: 1.5, height: 18, class: 'checkpoint-tick shape' }));
    }),
  );

  lane(`Point-in-time window: the last ${plural(sched.pointInTimeWindowHours, 'hour')}, restorable to any moment`, 8, (top) => {
    chart.pit = s('rect', { y: top, height: 8, class: 'pit' });
    return chart.pit;
  });
  chart.pitWindow = sched.pointInTimeWindowHours * HOUR;

  const byClass = Object.keys(RETENTIONS).map((retention) => [retention, snapshots.marks.filter((m) => m.retention === retention)]);
  if (snapshots.marks.length === 0) lane('Snapshots: none in this range', 0, () => undefined);
  for (const [retention, shown] of byClass) {
    if (shown.length === 0) continue;
    const { lane: title, kept, fill: pattern, words } = RETENTIONS[retention];
    const row = packer(12);
    const placed = shown.map((m) => {
      const x1 = x(Date.parse(m.created));
      const x2 = m.expires === null ? right + 20 : Math.max(x(Date.parse(m.expires)), x1 + 3);
      return { m, x1, x2, row: row(x1, x2) };
    });
    const rows = Math.max(...placed.map((p) => p.row)) + 1;
    lane(`${title} (${kept(sched)}): ${shown.length}`, rows * 13 - 4, (top) =>
      placed.map(({ m, x1, x2, row: r }) => {
        const until = m.expires === null ? 'kept until deleted' : `expires ${utc(m.expires)}`;
        const label = `Snapshot ${m.id}, ${words}: created ${utc(m.created)}, ${until}${m.complete ? '' : ', not complete yet'}`;
        const at = top + r * 13;
        return mark(
          `s:${m.id}`,
          'snapshots',
          [m.id],
          label,
          s('rect', { x: x1, y: at - 2, width: x2 - x1, height: 13, class: 'hit' }),
          s('rect', { x: x1, y: at, width: x2 - x1, height: 9, class: `snapshot ${retention}${m.complete ? '' : ' incomplete'} shape`, fill: pattern }),
          s('rect', { x: x1 - 1, y: at - 2, width: 2, height: 13, class: 'snapshot-start' }),
        );
      }),
    );
  }

  const row = packer(8);
  const placed = restoreBatches.marks.map((b) => {
    const x1 = x(Date.parse(b.created));
    const x2 = b.finishes === null ? x1 + 10 : Math.max(x(Date.parse(b.finishes)), x1 + 8);
    return { b, x1, x2, row: row(x1, x2 + 90) };
  });
  const batchRows = placed.length === 0 ? 0 : Math.max(...placed.map((p) => p.row)) + 1;
  lane(`Restore batches: ${restoreBatches.inRange === 0 ? 'none in this range' : restoreBatches.inRange}`, batchRows * 18, (top) =>
    placed.flatMap(({ b, x1, x2, row: r }) => {
      const at = top + r * 18;
      const shape =
        b.finishes === null
          ? s('path', { d: `M${x1} ${at} l6 7 l-6 7 l-6 -7 z`, class: `batch ${b.statusName} shape` })
          : s('rect', { x: x1, y: at, width: x2 - x1, height: 14, class: `batch ${b.statusName} shape`, fill: b.statusName === 'IN_PROGRESS' ? 'url(#stripes)' : undefined });
      return [
        mark(`b:${b.batchId ?? b.jobs[0].id}`, 'restoreJobs', b.jobs.map((j) => j.id), batchWords(b), s('rect', { x: x1 - 6, y: at - 2, width: x2 - x1 + 12, height: 18, class: 'hit' }), shape),
        s('text', { x: x2 + 8, y: at + 11, class: 'batch-label', 'aria-hidden': 'true' }, `${plural(b.jobs.length, 'job')}, ${b.statusName ?? 'status unknown'}`),
      ];
    }),
  );

  const height = y;
  const clip = `${chart.id}-clip`;
  const ticks = ticksOf(range.from, range.to, width).map(({ t, label }) => [
    s('line', { x1: x(t), x2: x(t), y1: 22, y2: height, class: 'grid' }),
    // A label that would run past the right edge ends at its tick instead.
    x(t) + 3 + label.length * 7 > width ? s('text', { x: x(t) - 3, y: 14, class: 'tick-label', 'text-anchor': 'end' }, label) : s('text', { x: x(t) + 3, y: 14, class: 'tick-label' }, label),
  ]);
  chart.now = s('g', { class: 'now' }, s('line', { y1: 16, y2: height, class: 'now-line' }), s('text', { x: 4, y: 28, class: 'now-label' }, 'now'));
  chart.scale = x;
  const svg = s(
    'svg',
    { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Backups of ${chart.label}, ${utc(range.from)} to ${utc(range.to)}` },
    s('defs', {}, s('clipPath', { id: clip }, s('rect', { x: left, y: 0, width: right - left, height }))),
    ticks,
    s('g', { 'clip-path': `url(#${clip})` }, lanes),
    chart.now,
  );
  svg.addEventListener('click', (event) => {
    const chosen = event.target.closest('.mark');
    if (chosen) openMark(chart, chosen);
  });
  svg.addEventListener('keydown', (event) => moveAmongMarks(chart, event));
  svg.addEventListener('focusin', (event) => rove(chart, event.target.closest('.mark')));

  const hadFocus = chart.plot.contains(document.activeElement);
  chart.plot.replaceChildren(svg);
  const marks = [...svg.querySelectorAll('.mark')];
  const focused = marks.find((m) => m.dataset.key === chart.focusKey) ?? marks[0];
  if (focused) {
    focused.setAttribute('tabindex', '0');
    if (hadFocus) focused.focus();
  }
}

/** Keeps the one tab stop of a chart on its last focused mark. */
function rove(chart, focused) {
  if (!focused) return;
  chart.focusKey = focused.dataset.key;
  for (const m of chart.plot.querySelectorAll('.mark[tabindex="0"]')) if (m !== focused) m.setAttribute('tabindex', '-1');
  focused.setAttribute('tabindex', '0');
}

function moveAmongMarks(chart, event) {
  const focused = event.target.closest('.mark');
  if (!focused) return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    return openMark(chart, focused);
  }
  const marks = [...chart.plot.querySelectorAll('.mark')];
  const at = marks.indexOf(focused);
  const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: marks.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  marks[Math.max(0, Math.min(marks.length - 1, to))].focus();
}

/** The now line and the point-in-time window where the clock is (it moves between redraws). */
function placeNow(chart) {
  if (!chart.now) return;
  const at = chart.scale(now);
  chart.now.setAttribute('transform', `translate(${at} 0)`);
  chart.now.classList.toggle('outside', now < chart.range.from || now > chart.range.to);
  const label = chart.now.lastChild;
  const flip = at > chart.plot.clientWidth - 40;
  label.setAttribute('x', flip ? '-4' : '4');
  label.setAttribute('text-anchor', flip ? 'end' : 'start');
  const from = chart.scale(now - chart.pitWindow);
  chart.pit.setAttribute('x', String(from));
  chart.pit.setAttribute('width', String(Math.max(0, at - from)));
}

/** Shows a mark's Atlas JSON (each job's, for a restore batch) below its chart. */
async function openMark(chart, chosen) {
  const { resource, ids } = chosen.dataset;
  const paths = ids.split(' ').map((id) => `/api/atlas/v1.0/groups/${chart.groupId}/clusters/${encodeURIComponent(chart.name)}/${resource}/${id}`);
  const answers = await Promise.all(paths.map((path) => control('GET', path, { raw: true }))).catch(report);
  if (!answers) return;
  const [title, body] = chart.panel.children;
  title.textContent = `${chosen.getAttribute('aria-label')} (${chart.label})`;
  body.replaceChildren(
    ...nodes([
      h('p', {}, 'What the API answers for it (GET, v1.0), indented.'),
      answers.map(({ status, text }, i) => [h('h4', {}, `GET ${paths[i]} → ${status}`), h('pre', { tabindex: '0' }, JSON.stringify(JSON.parse(text), null, 2))]),
    ]),
  );
  chart.panel.hidden = false;
  title.focus();
}

$('timeline-steps').addEventListener('click', (event) => {
  const advance = event.target.closest('button')?.value;
  if (advance) moveClock({ advance }, 'Clock advanced');
});

let resizing;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => {
    if (current === 'timeline') for (const chart of charts.values()) if (chart.cluster?.backup === 'LEGACY') redraw(chart);
  }, 150);
});

// ---- data browser ------------------------------------------------------------------------

/** Per resource: the columns after the id, from an item of the Atlas list. */
const COLUMNS = {
  backupCheckpoints: { Timestamp: (c) => c.timestamp, Completed: (c) => c.completed, Restorable: (c) => (c.restorable ? 'yes' : 'no') },
  snapshots: {
    Created: (s) => s.created?.date,
    Complete: (s) => (s.complete ? 'yes' : 'no'),
    Expires: (s) => (s.doNotDelete ? 'never (doNotDelete)' : s.expires),
  },
  restoreJobs: {
    Created: (j) => j.created,
    Status: (j) => j.statusName ?? '—',
    Delivery: (j) => j.delivery?.methodName,
    From: (j) => (j.snapshotId ? `snapshot ${j.snapshotId}` : j.checkpointId ? `checkpoint ${j.checkpointId}` : `point in time ${j.timestamp?.date}`),
  },
};
let pageNum = 1;
/** The cluster a link chose ("groupId/name"), shown when the Data view opens. */
let chosenCluster;

function chooseCluster(key) {
  chosenCluster = key;
  pageNum = 1;
}

/** The clusters to browse, in the order they were loaded: the first one loaded is chosen first. */
async function fillClusterChoice() {
  const projects = await loadedProjects();
  const select = $('browse-cluster');
  const before = chosenCluster ?? select.value;
  chosenCluster = undefined;
  fill('browse-cluster', projects.flatMap((p) => p.clusters.map((c) => h('option', { value: `${p.id}/${c.name}` }, `${p.name} / ${c.name}`))));
  if (before && [...select.options].some((option) => option.value === before)) select.value = before;
}

/** The control path of the chosen list or of one of its items. */
function atlasPath(id) {
  const [groupId, cluster] = $('browse-cluster').value.split('/');
  return `/api/atlas/${$('browse-version').value}/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/${$('browse-resource').value}${id === undefined ? '' : `/${id}`}`;
}
const acceptOf = () => ($('browse-version').value === 'v2' ? V2_ACCEPT : undefined);

async function loadBrowser() {
  await fillClusterChoice();
  if (!$('browse-cluster').value) return;
  const resource = $('browse-resource').value;
  const query = `?pageNum=${pageNum}&itemsPerPage=${$('browse-size').value}${resource === 'snapshots' ? '&completed=all' : ''}`;
  $('browse-request').textContent = `GET ${atlasPath()}${query}`;
  const { status, text } = await control('GET', atlasPath() + query, { accept: acceptOf(), raw: true });
  const page = JSON.parse(text);
  if (status !== 200) {
    $('browse-position').textContent = '';
    $('browse-previous').disabled = $('browse-next').disabled = true;
    fill('browse-table', h('p', { class: 'problem' }, `The API answers ${status} ${page.errorCode}: ${page.detail}`));
    return;
  }
  const pages = Math.max(1, Math.ceil(page.totalCount / Number($('browse-size').value)));
  $('browse-position').textContent = `Page ${pageNum} of ${pages} · ${page.totalCount} items`;
  $('browse-previous').disabled = pageNum === 1;
  $('browse-next').disabled = !page.links.some((link) => link.rel === 'next');
  const columns = COLUMNS[resource];
  const offset = (pageNum - 1) * Number($('browse-size').value);
  fill(
    'browse-table',
    table(
      `${resource}, page ${pageNum}`,
      ['#', 'ID', ...Object.keys(columns)],
      page.results.map((item, i) => [
        td('number', offset + i + 1),
        td('mono', h('a', { href: `/_emulator${atlasPath(item.id)}`, onclick: showRaw }, item.id)),
        ...Object.values(columns).map((column) => column(item)),
      ]),
    ),
  );
}

/** Shows a row's Atlas JSON below the table (pretty, as the API writes it with pretty=true): the link itself has the token-less URL. */
function showRaw(event) {
  event.preventDefault();
  const path = `${event.currentTarget.getAttribute('href').slice('/_emulator'.length)}?pretty=true`;
  control('GET', path, { accept: acceptOf(), raw: true }).then(({ text }) => {
    $('raw-title').textContent = `GET ${path}`;
    $('raw-body').textContent = text;
    $('raw').hidden = false;
    $('raw-title').focus();
  }, report);
}

function browseFrom(page) {
  pageNum = page;
  $('raw').hidden = true;
  loadBrowser().catch(report);
}
$('browse').addEventListener('submit', (event) => {
  event.preventDefault();
  browseFrom(1);
});
$('browse').addEventListener('change', () => browseFrom(1));
$('browse-previous').addEventListener('click', () => browseFrom(pageNum - 1));
$('browse-next').addEventListener('click', () => browseFrom(pageNum + 1));

// ---- journal -----------------------------------------------------------------------------

let reasons;
let entries = [];

/** Why a request went wrong, in plain words: its authentication failure or the reason the journal gives (a fault's among them), and a delay a fault added. */
function why(entry) {
  const parts = [];
  const reason = entry.auth.reason && reasons[entry.auth.reason];
  if (entry.challenge) parts.push('Digest challenge: the first half of a handshake. The client signs its next request with the nonce it was given.');
  else if (reason) parts.push(reason.meaning, h('span', { class: 'advice' }, `What to do: ${reason.advice}`));
  else if (entry.reason !== undefined) parts.push(entry.reason);
  if (entry.fault?.effect === 'delay') parts.push(`Fault rule ${entry.fault.id} delayed the answer by ${entry.fault.delayMs} ms.`);
  return parts;
}

/** How a request authenticated, and the uri its Digest header signed when that is not the request-target. */
function authentication({ auth }) {
  const outcome = auth.principal ? `${auth.outcome} as ${auth.principal}` : auth.outcome;
  if (auth.signedUri === undefined) return outcome;
  const verdict = auth.outcome === 'authenticated' ? ': accepted, as Atlas accepts it' : auth.reason === 'uri_mismatch' ? ': refused by strict checking' : '';
  return [outcome, h('span', { class: 'signed-uri' }, `Digest uri signed: ${auth.signedUri}, not the request-target${verdict}.`)];
}

/** The challenges answered by a later signed request to the same method and URL, by the answer's seq (requests oldest first). */
function handshakes(requests) {
  const answered = new Map();
  const open = [];
  for (const entry of requests) {
    if (entry.challenge) open.push(entry);
    else if (entry.headers.authorization?.startsWith('Digest ')) {
      const at = open.findIndex((c) => c.method === entry.method && c.url === entry.url);
      if (at >= 0) answered.set(entry.seq, open.splice(at, 1)[0]);
    }
  }
  return answered;
}

function journalQuery() {
  const query = new URLSearchParams({ limit: NEWEST });
  for (const [name, value] of new FormData($('journal-filter'))) if (value.trim() !== '') query.set(name, value.trim());
  return query;
}

const stamp = (time) => `${time.slice(0, 10)} ${time.slice(11, 23)}`;

async function pollJournal() {
  reasons ??= await control('GET', '/auth-failures');
  const query = journalQuery();
  let listing;
  try {
    listing = await control('GET', `/requests?${query}`);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    $('journal-summary').textContent = `Filter refused: ${err.message}`;
    return;
  }
  const { requests, total, capacity } = listing;
  // Unchanged answers leave the table (and the focus in it) alone.
  const key = `${query} ${total} ${requests.at(-1)?.seq}`;
  if (key === shown) return;
  shown = key;
  entries = requests;
  $('journal-summary').textContent = `${total} requests recorded since the last reset (the journal keeps the last ${capacity}); the newest ${requests.length} matching are shown, newest first. A Digest challenge and the signed request that answers it are one row.`;
  const focused = document.activeElement?.dataset.seq;
  const answered = handshakes(requests);
  const folded = new Set([...answered.values()].map((challenge) => challenge.seq));
  const rows = [];
  let newer;
  for (const entry of requests.toReversed()) {
    if (folded.has(entry.seq)) continue;
    const gap = newer === undefined ? 0 : Date.parse(newer.time) - Date.parse(entry.time);
    if (gap >= MINUTE) rows.push(h('tr', { class: 'gap' }, h('td', { colspan: '6' }, h('span', { 'aria-hidden': 'true' }, '↑ '), `${lasting(gap)} later on the emulator clock`)));
    newer = entry;
    const challenge = answered.get(entry.seq);
    const status = entry.status ?? 'dropped';
    rows.push(
      h(
        'tr',
        { class: entry.challenge ? 'challenge' : undefined },
        h('td', {}, h('button', { type: 'button', 'data-seq': entry.seq, 'aria-label': `Request ${entry.seq}: full entry`, onclick: () => showEntry(entry.seq) }, entry.seq)),
        entry.challenge ? td('status-challenge', `${status} challenge`) : td(`status-${String(entry.status ?? 0)[0]}`, status),
        td('request', `${entry.method} ${entry.url}`),
        td('prose', challenge ? h('span', { class: 'handshake' }, `Answers Digest challenge #${challenge.seq} (401): one handshake.`) : undefined, why(entry)),
        h('td', {}, authentication(entry)),
        td('mono', stamp(entry.time)),
      ),
    );
  }
  fill(
    'journal-table',
    requests.length === 0 ? h('p', {}, 'No request recorded matches.') : table('Journaled requests', ['#', 'Status', 'Request', 'Why', 'Authentication', 'Emulator time (UTC)'], rows),
  );
  if (focused !== undefined) document.querySelector(`#journal-table [data-seq="${focused}"]`)?.focus();
}

function showEntry(seq) {
  const entry = entries.find((e) => e.seq === seq);
  $('entry-title').textContent = `Request ${seq}: ${entry.method} ${entry.path} → ${entry.status ?? 'dropped'}`;
  fill('entry-why', why(entry).map((part) => h('p', {}, part)));
  $('entry-body').textContent = JSON.stringify(entry, null, 2);
  $('entry').hidden = false;
  $('entry-title').focus();
}
$('entry-close').addEventListener('click', () => ($('entry').hidden = true));
$('journal-filter').addEventListener('submit', (event) => event.preventDefault());

// ---- actions -----------------------------------------------------------------------------

let operations;

async function loadActions() {
  const [{ faults }, state, projects] = await Promise.all([control('GET', '/faults'), control('GET', '/clock'), loadedProjects()]);
  await fillFaultChoices(projects);
  fill(
    'fault-table',
    faults.length === 0
      ? h('p', {}, 'No fault rule is armed.')
      : [
          table(
            'Fault rules',
            ['ID', 'Matches', 'Effect', 'Times', 'Applied', 'State', 'Action'],
            faults.map((f) => {
              const spent = f.times !== null && f.applied >= f.times;
              return [
                td('mono', f.id),
                matchText(f),
                effectText(f.effect),
                f.times ?? 'every time',
                td('number', f.applied),
                td(spent ? 'spent' : 'armed', spent ? 'spent' : 'armed'),
                h('button', { type: 'button', onclick: () => act(() => disarm(f.id)) }, `Disarm ${f.id}`),
              ];
            }),
          ),
          h('p', {}, h('button', { type: 'button', onclick: () => act(() => disarm()) }, 'Disarm all')),
        ],
  );
  $('clock-now').textContent = `Emulator clock: ${clock(state)}`;
  $('clock-freeze').textContent = state.frozen ? 'Let the clock run' : 'Freeze the clock';
  $('clock-freeze').value = String(!state.frozen);
  proposeTime(Date.parse(state.now));
}

/** Offers a time the clock can be set to: the first full hour at least ten minutes on (the clock moves forward only). */
function proposeTime(at) {
  const field = $('clock-set-value');
  const proposal = iso(Math.ceil((at + 10 * MINUTE) / HOUR) * HOUR).replace('.000Z', 'Z');
  if (field.value === '' || field.value === field.dataset.proposed) field.value = proposal;
  field.dataset.proposed = proposal;
  field.placeholder = proposal;
}

/** The operations and clusters a fault can match, as the emulator lists them. */
async function fillFaultChoices(projects) {
  if (!operations) {
    const { routes } = await control('GET', '/info');
    // One choice per operation of either API version: /api/atlas/*/... with * for each path parameter.
    operations = [...new Set(routes.atlas.map((route) => route.replace(/\/api\/atlas\/[^/]+\//, '/api/atlas/*/').replace(/:[^/]+/g, '*')))];
    fill('fault-operation', h('option', { value: '' }, 'any (or the method and path)'), operations.map((op) => h('option', { value: op }, op.replace(/^(\S+) \/api\/atlas\/\*\/groups\/\*\/clusters\/\*\//, '$1 …/'))));
  }
  const select = $('fault-cluster');
  const chosen = select.value;
  fill('fault-cluster', h('option', { value: '' }, 'any'), projects.map((p) => [h('option', { value: p.id }, `${p.name} (any cluster)`), p.clusters.map((c) => h('option', { value: `${p.id}/${c.name}` }, `${p.name} / ${c.name}`))]));
  select.value = chosen;
}

$('fault-operation').addEventListener('change', () => {
  const [method, path] = $('fault-operation').value.split(' ');
  $('fault-method').value = method ?? '';
  $('fault-path').value = path ?? '';
});

async function disarm(id) {
  await control('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`);
  await loadActions();
  return id === undefined ? 'Disarmed every fault rule.' : `Disarmed fault rule ${id}.`;
}

$('reset').addEventListener('click', (event) => {
  const scope = event.target.closest('button')?.value;
  if (!scope) return;
  act(async () => {
    const { counts } = await control('POST', `/reset?scope=${scope}`);
    dataChanged();
    await loadActions();
    return `Reset ${scope}: done. The emulator now holds ${counted(counts)}.`;
  });
});

$('fixture').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('fixture-file').files[0];
  act(async () => {
    const mode = $('fixture-mode').value;
    const { counts } = await control('POST', `/fixtures?mode=${mode}`, { body: await file.text() });
    dataChanged();
    await loadActions();
    return `Loaded ${file.name} (${mode}): the emulator now holds ${counted(counts)}.`;
  });
});

const effectText = (e) =>
  e.type === 'error'
    ? `error ${e.status}${e.retryAfterSeconds === undefined ? '' : ` (Retry-After ${e.retryAfterSeconds} s)`}`
    : e.type === 'delay'
      ? `delay ${e.ms ?? `${e.minMs}-${e.maxMs}`} ms`
      : e.type === 'truncate' && e.bytes !== undefined
        ? `truncate after ${e.bytes} bytes`
        : e.type;

/** What a rule matches, in words: "GET on /api/atlas/**, cluster 6b8c…/Cluster0, page 2". */
function matchText({ match, probability, everyRequest }) {
  const where = match.clusterName !== undefined ? `cluster ${match.groupId ?? 'any project'}/${match.clusterName}` : match.groupId !== undefined ? `project ${match.groupId}` : undefined;
  const parts = [
    `${match.method ?? 'any method'} on ${match.path ?? 'any path'}`,
    where,
    match.pageNum === undefined ? undefined : `page ${match.pageNum}`,
    match.key === undefined ? undefined : `key ${match.key}`,
    probability === null || probability === undefined ? undefined : `with probability ${probability}`,
    everyRequest ? 'unauthenticated requests too' : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

function effectOf(type) {
  const number = (id) => ($(id).value.trim() === '' ? undefined : Number($(id).value));
  if (type === 'error') return { type, status: Number($('fault-status').value), retryAfterSeconds: number('fault-retry') };
  if (type === 'delay') return number('fault-delay-max') === undefined ? { type, ms: number('fault-delay') } : { type, minMs: number('fault-delay'), maxMs: number('fault-delay-max') };
  if (type === 'truncate') return { type, bytes: number('fault-bytes') };
  return { type };
}
$('fault-effect').addEventListener('change', () => {
  for (const field of document.querySelectorAll('#fault [data-effect]')) field.hidden = field.dataset.effect !== $('fault-effect').value;
});
$('fault').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = (id) => $(id).value.trim() || undefined;
  const number = (id) => (text(id) === undefined ? undefined : Number(text(id)));
  const [groupId, clusterName] = $('fault-cluster').value ? $('fault-cluster').value.split('/') : [];
  const match = { method: text('fault-method'), path: text('fault-path'), groupId, clusterName, pageNum: number('fault-page'), key: text('fault-key') };
  const rule = {
    match,
    effect: effectOf($('fault-effect').value),
    times: number('fault-times'),
    probability: number('fault-probability'),
    everyRequest: $('fault-every').checked || undefined,
    seed: number('fault-seed'),
  };
  act(async () => {
    const armed = await control('POST', '/faults', { body: rule });
    await loadActions();
    const times = armed.times === null ? 'every time' : armed.times === 1 ? 'once' : `${armed.times} times`;
    return `Armed fault rule ${armed.id}: ${effectText(armed.effect)} for ${matchText(armed)}, ${times}.`;
  });
});

/** Moves the clock (set, advance or frozen) and says where it is now. */
function moveClock(move, done) {
  act(async () => {
    const state = await control('POST', '/clock', { body: move });
    if (current === 'actions') await loadActions();
    return `${done}: the emulator clock is now ${clock(state)}.`;
  });
}
$('clock-set').addEventListener('submit', (event) => {
  event.preventDefault();
  moveClock({ set: $('clock-set-value').value.trim() }, 'Clock set');
});
$('clock-advance').addEventListener('submit', (event) => {
  event.preventDefault();
  moveClock({ advance: $('clock-advance-value').value.trim() }, 'Clock advanced');
});
$('clock-freeze').addEventListener('click', () => {
  const frozen = $('clock-freeze').value === 'true';
  moveClock({ frozen }, frozen ? 'Clock frozen' : 'Clock running');
});

show();
