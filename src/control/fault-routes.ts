import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { errors } from '../model/errors.js';
import { controlSchema, FaultIdSchema, FaultListSchema, FaultRuleInputSchema, FaultRuleSchema } from '../model/control-schemas.js';

/** Fault rules: add one, list them, remove one or all. */
export async function faultRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { faults } = app.emulator;
  const adds =
    'Adds a fault rule. Rules apply to authenticated API requests unless everyRequest is true; the first live matching rule applies.';

  app.post(
    '/faults',
    controlSchema({ summary: adds, body: FaultRuleInputSchema, ok: { 201: FaultRuleSchema }, badRequest: true }),
    (request, reply) => {
      reply.code(201).send(faults.add(request.body).view());
    },
  );

  app.get(
    '/faults',
    controlSchema({ summary: 'The rules, with how often each has applied.', ok: { 200: FaultListSchema } }),
    (_request, reply) => {
      reply.send({ faults: faults.list().map((rule) => rule.view()) });
    },
  );

  app.delete('/faults', controlSchema({ summary: 'Removes every rule.', ok: { 204: {} } }), (_request, reply) => {
    faults.clear();
    reply.code(204).send();
  });

  const removes = controlSchema({ summary: 'Removes one rule.', params: FaultIdSchema, ok: { 204: {} }, notFound: 'FAULT_NOT_FOUND' });
  app.delete('/faults/:id', removes, (request, reply) => {
    const { id } = request.params;
    if (!faults.remove(id)) throw errors.faultNotFound(id);
    reply.code(204).send();
  });
}
