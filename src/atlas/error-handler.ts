import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AtlasError, errors, UnauthorizedError } from './errors.js';
import { ERROR_CONTENT_TYPE } from './media-type.js';

const CHECKPOINT_PATH = /^\/api\/atlas\/(?:v1\.0|v2)\/groups\/[^/]+\/clusters\/[^/]+\/backupCheckpoints(?:\/[^/]+)?$/;

export function sendAtlasError(reply: FastifyReply, error: AtlasError): FastifyReply {
  reply.code(error.status).header('content-type', ERROR_CONTENT_TYPE);
  // The Digest challenge alone goes without X-Error-Code, as Atlas sends it.
  if (!(error instanceof UnauthorizedError)) reply.header('x-error-code', error.errorCode);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  // A Buffer, so Fastify leaves the Content-Type as Atlas sends it (no charset added).
  return reply.send(Buffer.from(error.body()));
}

/** Any error as Atlas would answer it; never a stack trace or Fastify's default body. */
export function toAtlasError(error: unknown, request: FastifyRequest): AtlasError {
  if (error instanceof AtlasError) return error;
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A client mistake Fastify caught before us (bad URL encoding, oversized body, ...).
    const code = (error as FastifyError).code ?? 'FST_ERR';
    request.log.info({ code }, 'client error');
    return new AtlasError(status, 'INVALID_REQUEST', 'The request is not valid.');
  }
  request.log.error({ err: error }, 'unexpected error');
  return errors.unexpected();
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Root error and not-found handlers: every failure leaves in Atlas's error shape. */
export function registerAtlasErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendAtlasError(reply, toAtlasError(error, request)));
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    // A known resource asked with another method: Jersey's 405, in Atlas's body (a choice).
    const error = CHECKPOINT_PATH.test(path) ? errors.methodNotAllowed(request.method, path) : errors.resourceNotFound(path);
    sendAtlasError(reply, error);
  });
}
