import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendAtlasError } from './error-handler.js';
import { pathOf } from '../lib/urls.js';
import { errors } from '../model/errors.js';
import type { AuthFailureReason } from '../auth/failure.js';
import type { Principal } from '../auth/principal.js';
import type { FaultRule, FaultRules } from './fault-rules.js';
import type { AppliedFault, RequestJournal } from './journal.js';

// The control plane's work on the requests of the context it is registered in (every request
// but the control plane's own): the journal records each when it is answered, and fault rules
// may make it misbehave. Both stay off the hot path's budget: with no rules the fault hooks
// cost one length check, and the journal writes one object into its ring.

declare module 'fastify' {
  interface FastifyRequest {
    /** Who authenticated (Atlas API requests), else null. */
    principal: Principal | null;
    /** Why authentication refused the request, if it did. */
    authFailure: AuthFailureReason | null;
    appliedFault: AppliedFault | null;
  }
}

/** Rate-limit figures of the 429 effect's body (Atlas's documented 100 requests per minute). */
const RATE_LIMIT = { limit: 100, minutes: 1 };

function applyFault(rule: FaultRule, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, journal: RequestJournal): void {
  const { effect } = rule;
  request.appliedFault = { id: rule.id, effect: effect.type };
  switch (effect.type) {
    case 'error': {
      const error =
        effect.status === 500
          ? errors.unexpected()
          : effect.status === 503
            ? errors.serviceUnavailable()
            : errors.rateLimited(pathOf(request.url), RATE_LIMIT.limit, RATE_LIMIT.minutes, effect.retryAfterSeconds!);
      // Answered here: the request goes no further than this hook.
      sendAtlasError(reply, error);
      return;
    }
    case 'delay': {
      const delayMs = rule.delayMs(effect);
      request.appliedFault.delayMs = delayMs;
      setTimeout(done, delayMs);
      return;
    }
    case 'drop':
      // No 'finish' will come, so no onResponse either: journal it now.
      journal.record(request, null, reply.elapsedTime, request.appliedFault);
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
        journal.record(request, res.statusCode, reply.elapsedTime, request.appliedFault);
        res.write(body.subarray(0, effect.bytes ?? Math.floor(body.length / 2)), () => res.destroy());
        return res;
      }) as typeof res.end;
      done();
      return;
    }
  }
}

function faultHook(faults: FaultRules, journal: RequestJournal, afterAuth: boolean) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (faults.size === 0) return done();
    const rule = faults.pick(request, afterAuth);
    if (rule === undefined) return done();
    applyFault(rule, request, reply, done, journal);
  };
}

export interface RequestHooksOptions {
  journal: RequestJournal;
  faults: FaultRules;
}

/**
 * The journal and the fault rules that apply to every request (`everyRequest`), for the
 * context they are added to. Add them before authentication: these rules act before it, on
 * challenges too.
 */
export function observeRequests(app: FastifyInstance, { journal, faults }: RequestHooksOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  app.decorateRequest('appliedFault', null);
  if (journal.capacity > 0) {
    app.addHook('onResponse', (request, reply, done) => {
      journal.recordReply(request, reply);
      done();
    });
  }
  app.addHook('onRequest', faultHook(faults, journal, false));
}

/** The fault rules for authenticated API requests: add them after authentication, in its context. */
export function faultsAfterAuth(app: FastifyInstance, { journal, faults }: RequestHooksOptions): void {
  app.addHook('onRequest', faultHook(faults, journal, true));
}
