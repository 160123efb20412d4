import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { UnauthorizedError } from '../../src/model/errors.js';
import { challengeHeader } from '../../src/auth/digest.js';

// The baselines the emulator is measured against: servers that answer every request with the
// same page the emulator serves, without auth or a store.
//   node-http:          bare node:http writing the precomputed bytes
//   node-http-challenge: the same, after Atlas's 401 challenge bytes to any request without
//                        an Authorization header (signatures are not checked): what the Go
//                        clients' pattern, two exchanges per call, costs Node's HTTP server alone
//   fastify-bytes:      a bare Fastify route sending the precomputed bytes
//   fastify-challenge:  the same route, after Atlas's 401 challenge bytes to any request
//                       without an Authorization header (nothing checked): the Go clients'
//                       two exchanges per call, as bare Fastify answers them
//   fastify-serialize:  a bare Fastify route serializing the page object per request
// Usage: node --import tsx test/bench/baseline-server.ts <kind> <page.json>; prints the port.

const KINDS = ['node-http', 'node-http-challenge', 'fastify-bytes', 'fastify-challenge', 'fastify-serialize'];

const CONTENT_TYPE = 'application/json';
// The emulator's challenge, with a nonce of the emulator's length that never changes.
const CHALLENGE = challengeHeader('A'.repeat(32), false);
const UNAUTHORIZED = Buffer.from(UnauthorizedError.BODY);
const [kind, file] = process.argv.slice(2) as [string, string];
const bytes = readFileSync(file);

async function listen(): Promise<number> {
  if (kind.startsWith('node-http')) {
    const challenge = kind === 'node-http-challenge';
    const server = http.createServer((request, response) => {
      if (challenge && request.headers.authorization === undefined) {
        response.writeHead(401, ['www-authenticate', CHALLENGE, 'content-type', CONTENT_TYPE, 'content-length', UNAUTHORIZED.length]);
        response.end(UNAUTHORIZED);
        return;
      }
      response.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': bytes.length });
      response.end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }
  const app = Fastify({ logger: false });
  if (kind === 'fastify-bytes') {
    app.get('/*', (_request, reply) => {
      reply.header('content-type', CONTENT_TYPE).send(bytes);
    });
  } else if (kind === 'fastify-challenge') {
    app.get('/*', (request, reply) => {
      if (request.headers.authorization === undefined)
        reply.code(401).header('www-authenticate', CHALLENGE).header('content-type', CONTENT_TYPE).send(UNAUTHORIZED);
      else reply.header('content-type', CONTENT_TYPE).send(bytes);
    });
  } else {
    const page: unknown = JSON.parse(bytes.toString('utf8'));
    app.get('/*', () => page);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

if (!KINDS.includes(kind)) throw new Error(`unknown baseline ${kind}`);
process.stdout.write(`listening on ${await listen()}\n`);
