import type { FastifyReply } from 'fastify';

/**
 * Writes an answer of the Atlas API: a page, a write's result, an error, the Digest challenge,
 * and what the inspector relays of them all leave through here. The body is bytes, so
 * Fastify sends the Content-Type as given (no charset added) and serializes nothing.
 */
export function sendAtlas(
  reply: FastifyReply,
  status: number,
  contentType: string,
  body: Buffer,
  headers?: Record<string, string>,
): FastifyReply {
  reply.code(status).header('content-type', contentType);
  if (headers !== undefined) for (const name in headers) reply.header(name, headers[name]);
  return reply.send(body);
}
