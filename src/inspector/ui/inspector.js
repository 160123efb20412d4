// The inspector's script: no framework, no build step. All it shows comes from the control
// routes under /_emulator (with the admin token when one is set); what they answer goes into
// the page as text, never as markup, since a journaled path is whatever a client sent.

const TOKEN = 'atlas-backup-emulator admin token';
const POLL_MS = 500;
const NEWEST = 100;
const V2_ACCEPT = 'application/vnd.atlas.2023-01-01+json';

const $ = (id) => document.getElementById(id);

/** Content as nodes: nested lists flattened, nothing for undefined or null, text for the rest. */
const nodes = (content) => content.flat(Infinity).filter((c) => c !== undefined && c !== null).map((c) => (c instanceof Node ? c : String(c)));

/** An element: attributes (`on…` ones are listeners) and content. */
function h(tag, attributes = {}, ...content) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value !== undefined) element.setAttribute(name, value);
  }
  element.append(...nodes(content));
  return element;
}

/** Replaces what the element of this id shows. */
const fill = (id, ...content) => $(id).replaceChildren(...nodes(content));

/** A table in a scrollable region (keyboard users can scroll it too); a cell is a td or its content. */
function table(label, headings, rows) {
  const cell = (value) => (value instanceof HTMLTableCellElement ? value : h('td', {}, value));
  return h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': label, tabindex: '0' },
    h('table', {}, h('thead', {}, h('tr', {}, headings.map((heading) => h('th', { scope: 'col' }, heading)))), h('tbody', {}, rows.map((row) => h('tr', {}, row.map(cell))))),
  );
}

const td = (className, ...content) => h('td', { class: className }, ...content);

function say(text, problem = false) {
  $('status').textContent = text;
  $('status').classList.toggle('problem', problem);
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

const VIEWS = { overview: loadOverview, data: loadBrowser, journal: startPolling, actions: loadActions };
let current = 'overview';

/** Shows the view the address names (#overview, #data, #journal, #actions). */
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

// ---- overview ----------------------------------------------------------------------------

const schedule = (s) =>
  `checkpoint every ${s.clusterCheckpointIntervalMin} min · snapshot every ${s.snapshotIntervalHours} h, kept ${s.snapshotRetentionDays} d` +
  ` (daily ${s.dailySnapshotRetentionDays} d, weekly ${s.weeklySnapshotRetentionWeeks} w, monthly ${s.monthlySnapshotRetentionMonths} mo) · point in time ${s.pointInTimeWindowHours} h`;
const count = (n) => td('number', n ?? '—');
const clock = (c) => `${c.now} (${c.frozen ? 'frozen' : 'running'})`;

let overview;

async function loadOverview() {
  overview = await control('GET', '/overview');
  const { projects, credentials } = overview;
  const browse = (project, cluster) => {
    const choose = () => {
      $('browse-cluster').value = `${project.id}/${cluster.name}`;
      pageNum = 1;
    };
    return h('a', { href: '#data', onclick: choose }, cluster.name);
  };
  fill(
    'overview-body',
    h('p', {}, 'Emulator clock: ', h('strong', {}, clock(overview.clock))),
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
  fillClusterChoice();
}
$('overview-refresh').addEventListener('click', () => act(() => loadOverview().then(() => 'Overview refreshed.')));

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

function fillClusterChoice() {
  const select = $('browse-cluster');
  const chosen = select.value;
  fill('browse-cluster', overview.projects.flatMap((p) => p.clusters.map((c) => h('option', { value: `${p.id}/${c.name}` }, `${p.name} / ${c.name}`))));
  if (chosen) select.value = chosen;
}

/** The control path of the chosen list or of one of its items. */
function atlasPath(id) {
  const [groupId, cluster] = $('browse-cluster').value.split('/');
  return `/api/atlas/${$('browse-version').value}/groups/${groupId}/clusters/${encodeURIComponent(cluster)}/${$('browse-resource').value}${id === undefined ? '' : `/${id}`}`;
}
const acceptOf = () => ($('browse-version').value === 'v2' ? V2_ACCEPT : undefined);

async function loadBrowser() {
  if (!overview) await loadOverview();
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
let polling;
let shown = '';
let entries = [];

/** Why a request went wrong, in plain words: its fault rule, or its authentication failure. */
function why(entry) {
  if (entry.fault) return [`Fault rule ${entry.fault.id} (${entry.fault.effect}) answered instead of the API.`];
  const reason = entry.auth.reason && reasons[entry.auth.reason];
  if (!reason) return [];
  if (entry.challenge) return ['Digest challenge: the normal first half of a handshake.'];
  return [reason.meaning, h('span', { class: 'advice' }, `What to do: ${reason.advice}`)];
}

function journalQuery() {
  const query = new URLSearchParams({ limit: NEWEST });
  for (const [name, value] of new FormData($('journal-filter'))) if (value.trim() !== '') query.set(name, value.trim());
  return query;
}

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
  $('journal-summary').textContent = `${total} requests recorded since the last reset (the journal keeps the last ${capacity}); the newest ${requests.length} matching are shown, newest first.`;
  const focused = document.activeElement?.dataset.seq;
  fill(
    'journal-table',
    requests.length === 0
      ? h('p', {}, 'No request recorded matches.')
      : table(
          'Journaled requests',
          ['#', 'Status', 'Request', 'Why', 'Authentication', 'Time (emulator clock)'],
          requests.toReversed().map((entry) => [
            h('button', { type: 'button', 'data-seq': entry.seq, 'aria-label': `Request ${entry.seq}: full entry`, onclick: () => showEntry(entry.seq) }, entry.seq),
            td(`status-${String(entry.status ?? 0)[0]}`, entry.status ?? 'dropped'),
            td('request', `${entry.method} ${entry.url}`),
            td('prose', why(entry)),
            entry.auth.principal ? `${entry.auth.outcome} as ${entry.auth.principal}` : entry.auth.outcome,
            entry.time.slice(11, 23),
          ]),
        ),
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

async function startPolling() {
  stopPolling();
  const tick = async () => {
    try {
      await pollJournal();
    } catch (err) {
      return report(err);
    }
    // Only while the journal is on screen: a hidden tab or another view costs the emulator nothing.
    if (!document.hidden && current === 'journal') polling = setTimeout(tick, POLL_MS);
  };
  await tick();
}
function stopPolling() {
  clearTimeout(polling);
  polling = undefined;
  shown = '';
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && current === 'journal' && $('token').hidden) startPolling();
});

// ---- actions -----------------------------------------------------------------------------

async function loadActions() {
  const [{ faults }, state] = await Promise.all([control('GET', '/faults'), control('GET', '/clock')]);
  const matchOf = (m) => [m.method ?? 'any method', m.path ?? 'any path', ...Object.entries(m).filter(([k]) => k !== 'method' && k !== 'path').map(([k, v]) => `${k}=${v}`)].join(' ');
  fill(
    'fault-table',
    faults.length === 0
      ? h('p', {}, 'No fault rule is armed.')
      : [
          table(
            'Armed fault rules',
            ['ID', 'Matches', 'Effect', 'Times', 'Applied', 'Action'],
            faults.map((f) => [
              td('mono', f.id),
              matchOf(f.match),
              effectText(f.effect),
              f.times ?? 'every time',
              td('number', f.applied),
              h('button', { type: 'button', onclick: () => act(() => disarm(f.id)) }, `Disarm ${f.id}`),
            ]),
          ),
          h('p', {}, h('button', { type: 'button', onclick: () => act(() => disarm()) }, 'Disarm all')),
        ],
  );
  $('clock-now').textContent = `Emulator clock: ${clock(state)}`;
  $('clock-freeze').textContent = state.frozen ? 'Let the clock run' : 'Freeze the clock';
  $('clock-freeze').value = String(!state.frozen);
}

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
    overview = undefined;
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
    overview = undefined;
    return `Loaded ${file.name} (${mode}): the emulator now holds ${counted(counts)}.`;
  });
});

const effectText = (e) => (e.type === 'error' ? `error ${e.status}` : e.type === 'delay' ? `delay ${e.ms ?? `${e.minMs}-${e.maxMs}`} ms` : e.type);
const effectOf = (type) => (type === 'error' ? { type, status: Number($('fault-status').value) } : type === 'delay' ? { type, ms: Number($('fault-delay').value) } : { type });
$('fault-effect').addEventListener('change', () => {
  for (const field of document.querySelectorAll('#fault [data-effect]')) field.hidden = field.dataset.effect !== $('fault-effect').value;
});
$('fault').addEventListener('submit', (event) => {
  event.preventDefault();
  const match = {};
  if ($('fault-method').value) match.method = $('fault-method').value;
  if ($('fault-path').value.trim()) match.path = $('fault-path').value.trim();
  const rule = { match, effect: effectOf($('fault-effect').value), ...($('fault-times').value ? { times: Number($('fault-times').value) } : {}) };
  act(async () => {
    const armed = await control('POST', '/faults', { body: rule });
    await loadActions();
    const times = armed.times === null ? 'every time' : armed.times === 1 ? 'once' : `${armed.times} times`;
    return `Armed fault rule ${armed.id}: ${effectText(armed.effect)} for ${match.method ?? 'any method'} on ${match.path ?? 'any path'}, ${times}.`;
  });
});

/** Moves the clock (set, advance or frozen) and says where it is now. */
function moveClock(move, done) {
  act(async () => {
    const state = await control('POST', '/clock', { body: move });
    overview = undefined;
    await loadActions();
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
