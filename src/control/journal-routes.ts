import type { FastifyInstance } from 'fastify';
import { integer, object } from './input.js';
import { FILTER_FIELDS, parseJournalFilter } from './journal.js';

/** The request journal: list (with filters), count with a matcher, clear. */
export async function journalRoutes(app: FastifyInstance): Promise<void> {
  const { journal } = app.emulator;

  app.get('/requests', (request, reply) => {
    const query = object(request.query, 'query', [...FILTER_FIELDS, 'limit']);
    const filter = parseJournalFilter(query);
    const limit = query.limit === undefined ? Infinity : integer(query.limit, 'limit', 1, 1_000_000);
    reply.send({ requests: journal.list(filter, limit), total: journal.total, capacity: journal.capacity });
  });

  app.post('/requests/count', (request, reply) => {
    const body = request.body === undefined ? {} : object(request.body, 'body', FILTER_FIELDS);
    reply.send({ count: journal.count(parseJournalFilter(body)) });
  });

  app.delete('/requests', (_request, reply) => {
    journal.clear();
    reply.code(204).send();
  });
}
