import t from 'tap';
import { authed, buildTestApp, CLUSTER0, json } from '../helpers/test-app.js';

t.test('default dataset list', async (t) => {
  const app = buildTestApp(t);
  const res = await authed(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 200);
  t.equal(json(res).totalCount, 61);
});
