import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { describeErrors } from '../lib/validation.js';
import { AtlasError, errors, UnauthorizedError } from '../model/errors.js';
import { sendAtlas } from './atlas-reply.js';
import { ERROR_CONTENT_TYPE } from './media-type.js';
import { pathOf } from '../lib/urls.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why its answer refused the request, in words for the journal (set with the answer), else null. */
    refusal: string | null;
  }
}

/** Declares the refusal on the requests of `app` and of every context in it. */
export function decorateRefusal(app: FastifyInstance): void {
  app.decorateRequest('refusal', null);
}

/** Atlas's answer for an error: its status, X-Error-Code, its own headers, its body; its explanation goes to the journal. */
export function sendAtlasError(reply: FastifyReply, error: AtlasError): FastifyReply {
  reply.request.refusal = error.explanation ?? null;
  // The Digest challenge alone goes without X-Error-Code, as Atlas sends it.
  const headers = error instanceof UnauthorizedError ? error.headers : { 'x-error-code': error.errorCode, ...error.headers };
  return sendAtlas(reply, error.status, ERROR_CONTENT_TYPE, error.bytes(), headers);
}

/** Any error as Atlas would answer it; never a stack trace or Fastify's default body. */
export function toAtlasError(error: unknown, request: FastifyRequest): AtlasError {
  if (error instanceof AtlasError) return error;
  const { validation, validationContext, code } = error as FastifyError;
  // A query parameter its route schema refuses: Atlas names the parameter.
  if (validation && validationContext === 'querystring') {
    const { path, problem } = describeErrors(validation);
    const name = String(path[0]);
    // A parameter given twice reaches the schema as an array: say so, not what one value must be.
    const repeated = Array.isArray((request.query as Record<string, unknown>)[name]);
    return errors.invalidQueryParameter(name, repeated ? 'is given more than once' : problem);
  }
  // A request body its schema refuses: Atlas names the attribute.
  if (validation && validationContext === 'body') {
    const { path, problem, keyword } = describeErrors(validation);
    const field = path.length === 0 ? '(body)' : path.join('.');
    return keyword === 'required' ? errors.missingAttribute(field) : errors.invalidAttribute(field, problem);
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY') return errors.invalidJson('malformed');
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return errors.invalidJson('empty');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.unsupportedMediaType(request.headers['content-type']);
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A client mistake Fastify caught before us (bad URL encoding, oversized body, ...); its
    // message names the problem, never a header's value.
    const code = (error as FastifyError).code ?? 'FST_ERR';
    request.log.info({ reqId: request.id, code }, 'client error');
    return errors.invalidRequest(status, `The request is malformed or too large: ${(error as Error).message} (${code}).`);
  }
  request.log.error({ reqId: request.id, err: error }, 'unexpected error');
  return errors.unexpected();
}

/** The error handler of a context: every failure leaves in Atlas's error shape. */
export function registerAtlasErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendAtlasError(reply, toAtlasError(error, request)));
}

/** Atlas's 404 for a path no route of the context serves. */
export function answerNotFound(request: FastifyRequest, reply: FastifyReply): void {
  sendAtlasError(reply, errors.resourceNotFound(pathOf(request.url)));
}

// Node's own status for the parser errors it names (lib/_http_server.js); anything else is 400.
const CLIENT_ERROR_STATUS: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

/**
 * The server's 'clientError' handler: HTTP that never became a request (malformed, oversized,
 * too slow) still gets Atlas's error body, then the connection closes. Only the error code is
 * logged: the error carries the raw bytes, Authorization header included.
 */
export function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: err.code }, 'client error');
  // A response already begun on this connection cannot be followed by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  endWithError(socket, errors.invalidRequest(CLIENT_ERROR_STATUS[err.code ?? ''] ?? 400, 'The HTTP request could not be read.'));
}

/** CONNECT (a proxy's method) reaches no route: answered, where Node would drop the connection. */
export function answerConnect(request: IncomingMessage, socket: Duplex): void {
  endWithError(socket, errors.methodNotAllowed('CONNECT', request.url ?? '', ['GET', 'HEAD']));
}

/** Writes an error on a connection that has no Fastify reply, then closes it. */
function endWithError(socket: Duplex, error: AtlasError): void {
  const body = error.body();
  const headers = { 'Content-Type': ERROR_CONTENT_TYPE, 'X-Error-Code': error.errorCode, ...error.headers };
  socket.end(
    `HTTP/1.1 ${error.status} ${error.reason}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
