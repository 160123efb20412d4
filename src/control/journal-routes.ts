import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { journalFilter } from '../http/journal.js';
import {
  absentBodyIsEmpty,
  controlSchema,
  CountSchema,
  JournalFilterSchema,
  JournalListingSchema,
  JournalQuerySchema,
} from '../model/control-schemas.js';

/** The request journal: list (with filters), count with a matcher, clear. */
export async function journalRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { journal } = app.emulator;
  const lists = 'Journaled requests, oldest first; with limit, the newest `limit` of those matching.';
  const counts = 'Counts journaled requests matching a matcher (the GET filters as a JSON object).';

  const list = controlSchema({ summary: lists, querystring: JournalQuerySchema, ok: { 200: JournalListingSchema }, badRequest: true });
  app.get('/requests', list, (request, reply) => {
    const { limit, ...filter } = request.query;
    reply.send({ requests: journal.list(journalFilter(filter), limit ?? Infinity), total: journal.total, capacity: journal.capacity });
  });

  const count = controlSchema({ summary: counts, body: JournalFilterSchema, ok: { 200: CountSchema }, badRequest: true });
  app.post('/requests/count', { ...count, preValidation: absentBodyIsEmpty }, (request, reply) => {
    reply.send({ count: journal.count(journalFilter(request.body)) });
  });

  app.delete('/requests', controlSchema({ summary: 'Empties the journal.', ok: { 204: {} } }), (_request, reply) => {
    journal.clear();
    reply.code(204).send();
  });
}
