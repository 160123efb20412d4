import type { FastifyInstance } from 'fastify';
import { VERSION } from '../lib/package-root.js';
import { HealthSchema, ReadySchema } from '../model/control-schemas.js';

/** Liveness and readiness, for Docker HEALTHCHECKs and wait strategies: open even with an admin token. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const open = { config: { adminTokenExempt: true } };
  app.get('/health', { ...open, schema: { summary: 'Liveness.', security: [], response: { 200: HealthSchema } } }, (_request, reply) => {
    reply.send({ status: 'ok' });
  });
  const ready = { summary: 'Readiness: the store is open and seeded.', security: [], response: { 200: ReadySchema } };
  app.get('/ready', { ...open, schema: ready }, (_request, reply) => {
    const { store, config } = app.emulator;
    reply.send({ status: 'ready', version: VERSION, seed: config.seed, counts: store.counts() });
  });
}
