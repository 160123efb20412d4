import type { FastifyInstance } from 'fastify';
import { errors } from '../atlas/errors.js';
import { FaultIdSchema, FaultListSchema, FaultRuleInputSchema, FaultRuleSchema, responses, type FaultRuleInput } from './schemas.js';

/** Fault rules: add one, list them, remove one or all. */
export async function faultRoutes(app: FastifyInstance): Promise<void> {
  const { faults } = app.emulator;

  app.post(
    '/faults',
    {
      schema: {
        summary: 'Adds a fault rule. Rules apply to authenticated API requests unless everyRequest is true; the first live matching rule applies.',
        body: FaultRuleInputSchema,
        response: responses({ 201: FaultRuleSchema }, { badRequest: true }),
      },
    },
    (request, reply) => {
      reply.code(201).send(faults.add(request.body as FaultRuleInput).view());
    },
  );

  app.get('/faults', { schema: { summary: 'The rules, with how often each has applied.', response: responses({ 200: FaultListSchema }) } }, (_request, reply) => {
    reply.send({ faults: faults.list().map((rule) => rule.view()) });
  });

  app.delete('/faults', { schema: { summary: 'Removes every rule.', response: responses({ 204: {} }) } }, (_request, reply) => {
    faults.clear();
    reply.code(204).send();
  });

  app.delete(
    '/faults/:id',
    { schema: { summary: 'Removes one rule.', params: FaultIdSchema, response: responses({ 204: {} }, { notFound: 'FAULT_NOT_FOUND' }) } },
    (request, reply) => {
      const { id } = request.params as { id: string };
      if (!faults.remove(id)) throw errors.faultNotFound(id);
      reply.code(204).send();
    },
  );
}
