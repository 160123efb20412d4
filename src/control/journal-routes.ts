import type { FastifyInstance } from 'fastify';
import { journalFilter } from './journal.js';
import { absentBodyIsEmpty, CountSchema, JournalFilterSchema, JournalListingSchema, JournalQuerySchema, responses, type JournalFilterInput } from './schemas.js';

/** The request journal: list (with filters), count with a matcher, clear. */
export async function journalRoutes(app: FastifyInstance): Promise<void> {
  const { journal } = app.emulator;

  app.get(
    '/requests',
    {
      schema: {
        summary: 'Journaled requests, oldest first; with limit, the newest `limit` of those matching.',
        querystring: JournalQuerySchema,
        response: responses({ 200: JournalListingSchema }, { badRequest: true }),
      },
    },
    (request, reply) => {
      const { limit, ...filter } = request.query as JournalFilterInput & { limit?: number };
      reply.send({ requests: journal.list(journalFilter(filter), limit ?? Infinity), total: journal.total, capacity: journal.capacity });
    },
  );

  app.post(
    '/requests/count',
    {
      schema: {
        summary: 'Counts journaled requests matching a matcher (the GET filters as a JSON object).',
        body: JournalFilterSchema,
        response: responses({ 200: CountSchema }, { badRequest: true }),
      },
      preValidation: absentBodyIsEmpty,
    },
    (request, reply) => {
      reply.send({ count: journal.count(journalFilter(request.body as JournalFilterInput)) });
    },
  );

  app.delete('/requests', { schema: { summary: 'Empties the journal.', response: responses({ 204: {} }) } }, (_request, reply) => {
    journal.clear();
    reply.code(204).send();
  });
}
