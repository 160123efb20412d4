import t from 'tap';
import { authed, buildTestApp, CLUSTER0, json } from '../helpers/test-app.js';

const HOST = 'http://localhost:80';
const relative = (href: string) => href.slice(HOST.length);

t.test('walking next links visits every checkpoint once, in order; previous links walk back', async (t) => {
  const app = buildTestApp(t);
  const all = json(await authed(app, { url: `${CLUSTER0}?itemsPerPage=500` })).results.map((c: { id: string }) => c.id);
  t.equal(all.length, 61);
  for (const itemsPerPage of [1, 7, 60, 61, 100, 500]) {
    const seen: string[] = [];
    const pages: string[] = [];
    let url: string | undefined = `${CLUSTER0}?itemsPerPage=${itemsPerPage}`;
    while (url) {
      const res = await authed(app, { url });
      t.equal(res.statusCode, 200);
      const body = json(res);
      t.equal(body.totalCount, 61);
      seen.push(...body.results.map((c: { id: string }) => c.id));
      pages.push(url);
      const next = body.links.find((l: { rel: string }) => l.rel === 'next');
      url = next && relative(next.href);
    }
    t.same(seen, all, `itemsPerPage=${itemsPerPage}: every checkpoint once, in order`);
    t.equal(pages.length, Math.ceil(61 / itemsPerPage));
    // Back from the last page through previous links.
    const back: string[] = [];
    url = pages.at(-1);
    while (url) {
      const body = json(await authed(app, { url }));
      back.unshift(...body.results.map((c: { id: string }) => c.id));
      const previous = body.links.find((l: { rel: string }) => l.rel === 'previous');
      url = previous && relative(previous.href);
    }
    t.same(back, all, `itemsPerPage=${itemsPerPage}: previous links walk back to page 1`);
  }
});

t.test('link formats: self ends pageNum&itemsPerPage, next/previous end itemsPerPage&pageNum', async (t) => {
  const app = buildTestApp(t);
  const body = json(await authed(app, { url: `${CLUSTER0}?pageNum=2&itemsPerPage=10` }));
  t.strictSame(body.links, [
    { href: `${HOST}${CLUSTER0}?pageNum=2&itemsPerPage=10`, rel: 'self' },
    { href: `${HOST}${CLUSTER0}?itemsPerPage=10&pageNum=1`, rel: 'previous' },
    { href: `${HOST}${CLUSTER0}?itemsPerPage=10&pageNum=3`, rel: 'next' },
  ]);
  // The SDK's habit: includeCount=true&itemsPerPage=100&pageNum=1, echoed first in links.
  const sdk = json(await authed(app, { url: `${CLUSTER0}?includeCount=true&itemsPerPage=20&pageNum=1` }));
  t.strictSame(sdk.links, [
    { href: `${HOST}${CLUSTER0}?includeCount=true&pageNum=1&itemsPerPage=20`, rel: 'self' },
    { href: `${HOST}${CLUSTER0}?includeCount=true&itemsPerPage=20&pageNum=2`, rel: 'next' },
  ]);
  // Unknown parameters are ignored and not echoed; flags are echoed alphabetically.
  const flags = json(await authed(app, { url: `${CLUSTER0}?pretty=FALSE&foo=bar&envelope=false&itemsPerPage=61` }));
  t.strictSame(flags.links, [{ href: `${HOST}${CLUSTER0}?envelope=false&pretty=false&pageNum=1&itemsPerPage=61`, rel: 'self' }]);
});

t.test('a page past the end is 200 with empty results and a previous link', async (t) => {
  const app = buildTestApp(t);
  const res = await authed(app, { url: `${CLUSTER0}?pageNum=9&itemsPerPage=10` });
  t.equal(res.statusCode, 200);
  t.equal(
    res.body,
    `{"links":[{"href":"${HOST}${CLUSTER0}?pageNum=9&itemsPerPage=10","rel":"self"},{"href":"${HOST}${CLUSTER0}?itemsPerPage=10&pageNum=8","rel":"previous"}],"results":[],"totalCount":61}`,
  );
  const last = json(await authed(app, { url: `${CLUSTER0}?pageNum=7&itemsPerPage=10` }));
  t.equal(last.results.length, 1);
  t.same(
    last.links.map((l: { rel: string }) => l.rel),
    ['self', 'previous'],
    'no next link on the last page',
  );
});

t.test('includeCount=false: totalCount 0 and no next link, as observed on Atlas', async (t) => {
  const app = buildTestApp(t);
  const body = json(await authed(app, { url: `${CLUSTER0}?includeCount=false&itemsPerPage=10&pageNum=2` }));
  t.equal(body.totalCount, 0);
  t.equal(body.results.length, 10);
  t.strictSame(body.links, [
    { href: `${HOST}${CLUSTER0}?includeCount=false&pageNum=2&itemsPerPage=10`, rel: 'self' },
    { href: `${HOST}${CLUSTER0}?includeCount=false&itemsPerPage=10&pageNum=1`, rel: 'previous' },
  ]);
});

t.test('envelope=true adds the status to the list and wraps a single checkpoint', async (t) => {
  const app = buildTestApp(t);
  const list = await authed(app, { url: `${CLUSTER0}?envelope=true&itemsPerPage=1` });
  t.equal(list.statusCode, 200);
  t.same(Object.keys(json(list)), ['links', 'results', 'status', 'totalCount']);
  t.equal(json(list).status, 200);
  const one = await authed(app, { url: `${CLUSTER0}/5a7cdb3980eef53de5bffdcf?envelope=true` });
  t.equal(one.statusCode, 200);
  t.same(Object.keys(json(one)), ['content', 'status']);
  t.equal(json(one).status, 200);
  t.equal(json(one).content.id, '5a7cdb3980eef53de5bffdcf');
});

t.test('pretty=true prints like Jackson: two-space indent, "key" : value, inline arrays', async (t) => {
  const app = buildTestApp(t);
  const res = await authed(app, { url: `${CLUSTER0}?pretty=true&itemsPerPage=1&pageNum=61` });
  t.equal(res.statusCode, 200);
  t.equal(json(res).totalCount, 61, 'still JSON');
  t.ok(
    res.body.startsWith(
      `{\n  "links" : [ {\n    "href" : "${HOST}${CLUSTER0}?pretty=true&pageNum=61&itemsPerPage=1",\n    "rel" : "self"\n  }, {\n`,
    ),
  );
  t.ok(res.body.includes('\n  "results" : [ {\n    "clusterId" : "6b8cd61180eef547110159d9",\n'));
  t.ok(res.body.includes('"parts" : [ {\n      "replicaSetName" : "Cluster0-shard-1",'));
  t.ok(res.body.endsWith('  } ],\n  "totalCount" : 61\n}'), 'no trailing newline');
  const cluster1 = CLUSTER0.replace('Cluster0', 'Cluster1');
  const empty = await authed(app, { url: `${cluster1}?pretty=true` });
  t.equal(
    empty.body,
    `{\n  "links" : [ {\n    "href" : "${HOST}${cluster1}?pretty=true&pageNum=1&itemsPerPage=100",\n    "rel" : "self"\n  } ],\n  "results" : [ ],\n  "totalCount" : 0\n}`,
  );
});
