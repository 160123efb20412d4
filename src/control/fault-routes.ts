import type { FastifyInstance } from 'fastify';
import { errors } from '../atlas/errors.js';

/** Fault rules: add one, list them, remove one or all. */
export async function faultRoutes(app: FastifyInstance): Promise<void> {
  const { faults } = app.emulator;

  app.post('/faults', (request, reply) => {
    reply.code(201).send(faults.add(request.body).view());
  });

  app.get('/faults', (_request, reply) => {
    reply.send({ faults: faults.list().map((rule) => rule.view()) });
  });

  app.delete('/faults', (_request, reply) => {
    faults.clear();
    reply.code(204).send();
  });

  app.delete<{ Params: { id: string } }>('/faults/:id', (request, reply) => {
    if (!faults.remove(request.params.id)) throw errors.faultNotFound(request.params.id);
    reply.code(204).send();
  });
}
