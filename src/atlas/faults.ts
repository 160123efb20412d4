import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendAtlasError } from '../http/error-handler.js';
import type { FaultRule, FaultRules } from '../http/fault-rules.js';
import type { AppliedFault, RequestJournal } from '../http/journal.js';
import { pathOf } from '../lib/urls.js';
import { errors, type AtlasError } from '../model/errors.js';

// What an armed fault rule does to a request of the Atlas pipeline (atlas/pipeline.ts says
// where its two hooks run). With no rules armed a hook costs one length check.

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault rule applied to the request (set by the fault hooks), else null. */
    appliedFault: AppliedFault | null;
  }
}

/** Declares the applied fault on the requests of `app`'s context. */
export function decorateAppliedFault(app: FastifyInstance): void {
  app.decorateRequest('appliedFault', null);
}

/** Rate-limit figures of the 429 effect's body (Atlas's documented 100 requests per minute). */
const RATE_LIMIT = { limit: 100, minutes: 1 };

function errorOf(effect: { status: 500 | 503 | 429; retryAfterSeconds?: number }, request: FastifyRequest): AtlasError {
  if (effect.status === 500) return errors.unexpected();
  if (effect.status === 503) return errors.serviceUnavailable();
  return errors.rateLimited(pathOf(request.url), RATE_LIMIT.limit, RATE_LIMIT.minutes, effect.retryAfterSeconds!);
}

function applyFault(
  rule: FaultRule,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  journal: RequestJournal,
): void {
  const { effect } = rule;
  const applied: AppliedFault = { id: rule.id, effect: effect.type };
  request.appliedFault = applied;
  switch (effect.type) {
    case 'error':
      // Answered here, in Atlas's shape whatever the context's error handler (the OAuth
      // endpoints have their own): the request goes no further than this hook.
      sendAtlasError(reply, errorOf(effect, request).because(`Fault rule ${rule.id} answered ${effect.status} instead of the API.`));
      return;
    case 'delay':
      applied.delayMs = rule.delayMs(effect);
      setTimeout(done, applied.delayMs);
      return;
    case 'drop':
      // No 'finish' will come, so no onResponse either: journal it now.
      request.refusal = `Fault rule ${rule.id} closed the connection without an answer.`;
      journal.record(request, null, reply.elapsedTime, applied);
      reply.hijack();
      reply.raw.destroy();
      return;
    case 'truncate': {
      // The response goes out with its full Content-Length but only part of its body, then
      // the connection closes. Overriding end() on this one response keeps every other
      // response free of an onSend hook.
      const res = reply.raw;
      res.end = ((chunk?: unknown) => {
        const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
        const sent = body.subarray(0, effect.bytes ?? Math.floor(body.length / 2));
        request.refusal = `Fault rule ${rule.id} sent ${sent.length} of the body's ${body.length} bytes, then closed the connection.`;
        journal.record(request, res.statusCode, reply.elapsedTime, applied);
        res.write(sent, () => res.destroy());
        return res;
      }) as typeof res.end;
      return done();
    }
  }
}

/**
 * The fault rules of one stage, as an onRequest hook: before authentication (`everyRequest`
 * rules, on challenges and the OAuth endpoints too) or after it (the others).
 */
export function faultHook(faults: FaultRules, journal: RequestJournal, afterAuth: boolean) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (faults.size === 0) return done();
    const rule = faults.pick(request, afterAuth);
    if (rule === undefined) return done();
    applyFault(rule, request, reply, done, journal);
  };
}
