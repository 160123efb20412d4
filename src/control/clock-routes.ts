import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { moveClock } from './emulator-control.js';
import { ClockMoveSchema, ClockStateSchema, controlSchema } from '../model/control-schemas.js';

/** The emulator clock: read it, move it (set, advance, freeze). */
export async function clockRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { clock } = app.emulator;

  app.get(
    '/clock',
    controlSchema({ summary: 'The emulator clock: its time and whether it is frozen.', ok: { 200: ClockStateSchema } }),
    (_request, reply) => {
      reply.send(clock.state());
    },
  );

  const moves =
    'Moves the emulator clock: {set: date-time}, {advance: ISO 8601 duration} or {frozen: true|false}. ' +
    'It moves forward only (a reset takes it back to its start).';
  app.post(
    '/clock',
    controlSchema({ summary: moves, body: ClockMoveSchema, ok: { 200: ClockStateSchema }, badRequest: true }),
    (request, reply) => {
      reply.send(moveClock(clock, request.body));
    },
  );
}
