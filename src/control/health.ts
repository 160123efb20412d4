import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Liveness and readiness, for Docker HEALTHCHECKs and wait strategies. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', (_request, reply) => {
    reply.send({ status: 'ok' });
  });
  app.get('/ready', (_request, reply) => {
    const { store, config } = app.emulator;
    reply.send({ status: 'ready', version: VERSION, seed: config.seed, counts: store.counts() });
  });
}
