import { cpuMs, LoadGenerator, startBaseline, stop, stopAll } from './processes.js';
const server = await startBaseline('node-http', '/tmp/page.json');
const gen = new LoadGenerator();
for (let i = 0; i < 2; i++) {
  const b = cpuMs(server);
  const r = await gen.load({ kind: 'load', origin: server.origin, path: '/x', auth: 'none', connections: 50, seconds: 3, expectedLength: 56866 } as any);
  const a = cpuMs(server);
  console.log(`node:http ${(r.calls / r.seconds).toFixed(0)}/s total ${((1000 * (a.total - b.total)) / r.calls).toFixed(1)} user ${((1000 * (a.user - b.user)) / r.calls).toFixed(1)} us/call`);
}
await stop(server); stopAll(); process.exit(0);
