import Fastify from 'fastify';

// The cold-start baseline: a bare Fastify app as its author would write and run it (plain
// JavaScript, Fastify from node_modules, one route, nothing checked). The benchmark times its
// spawn to its first 200 beside the emulator's spawn to its first signed 200.
// Usage: node test/bench/bare-fastify.mjs; prints the port.

const app = Fastify();
app.get('/*', (_request, reply) => {
  reply.header('content-type', 'application/json').send('{}');
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${app.server.address().port}\n`);
