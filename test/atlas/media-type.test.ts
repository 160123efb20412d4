import t from 'tap';
import { authed, buildTestApp, CLUSTER0, json } from '../helpers/test-app.js';

const V2 = CLUSTER0.replace('/v1.0/', '/v2/');
const V2_SUCCESS = 'application/vnd.atlas.2023-01-01+json;charset=utf-8';

t.test('v2 answers the resource version the Accept date selects', async (t) => {
  const app = buildTestApp(t);
  for (const accept of [
    'application/vnd.atlas.2023-01-01+json',
    'application/vnd.atlas.2025-03-12+json',
    'application/vnd.atlas.2099-12-31+json; q=0.9',
    'application/json, application/vnd.atlas.2024-08-05+json',
    'APPLICATION/VND.ATLAS.2023-01-01+JSON',
  ]) {
    const res = await authed(app, { url: `${V2}?itemsPerPage=2`, headers: { accept } });
    t.equal(res.statusCode, 200, accept);
    t.equal(res.headers['content-type'], V2_SUCCESS, accept);
    t.equal(json(res).totalCount, 61);
    t.equal(json(res).links[0].href, `http://localhost:80${V2}?pageNum=1&itemsPerPage=2`);
  }
});

t.test('v1.0 answers application/json whatever the Accept header', async (t) => {
  const app = buildTestApp(t);
  for (const accept of ['application/json', 'application/vnd.atlas.2023-01-01+json', '*/*']) {
    const res = await authed(app, { url: `${CLUSTER0}?itemsPerPage=1`, headers: { accept } });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'application/json');
  }
});

t.test('v1.0 and v2 serve the same checkpoints', async (t) => {
  const app = buildTestApp(t);
  const v1 = json(await authed(app, { url: CLUSTER0 })).results;
  const v2 = json(await authed(app, { url: V2, headers: { accept: 'application/vnd.atlas.2023-01-01+json' } })).results;
  const strip = (list: { links: unknown }[]) => list.map(({ links: _links, ...rest }) => rest);
  t.same(strip(v2), strip(v1));
});

t.test('HEAD answers the headers of GET without a body', async (t) => {
  const app = buildTestApp(t);
  const res = await authed(app, { url: CLUSTER0, method: 'HEAD' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.body, '');
});
