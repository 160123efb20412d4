import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { pathOf, sendAtlasError } from '../atlas/error-handler.js';
import { errors } from '../atlas/errors.js';
import type { FaultRule, FaultRules } from './fault-rules.js';
import type { AppliedFault, RequestJournal } from './journal.js';

// The control plane's work on every request: the journal records it when it is answered, and
// fault rules may make it misbehave. Both stay off the hot path's budget: with no rules the
// fault hooks cost one length check, and the journal writes one object into its ring. The
// control plane itself (/_emulator/*) is neither journaled nor faulted.

declare module 'fastify' {
  interface FastifyRequest {
    appliedFault: AppliedFault | null;
  }
}

const isControlPath = (url: string) => url.startsWith('/_emulator');

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
    if (faults.size === 0 || isControlPath(request.url)) return done();
    // After auth only authenticated API requests are left to fault; public routes have no principal.
    if (afterAuth && request.principal === null) return done();
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
 * The journal and the fault rules that apply to every request (`everyRequest`). Register it
 * before the auth plugin: these rules act before authentication, on challenges too.
 */
export const requestHooksBeforeAuth = fp(
  async (app: FastifyInstance, { journal, faults }: RequestHooksOptions) => {
    app.decorateRequest('appliedFault', null);
    if (journal.capacity > 0) {
      app.addHook('onResponse', (request, reply, done) => {
        if (!isControlPath(request.url)) journal.recordReply(request, reply);
        done();
      });
    }
    app.addHook('onRequest', faultHook(faults, journal, false));
  },
  { name: 'emulator-request-hooks', fastify: '5.x' },
);

/** The fault rules for authenticated API requests. Register it after the auth plugin. */
export const faultsAfterAuth = fp(
  async (app: FastifyInstance, { journal, faults }: RequestHooksOptions) => {
    app.addHook('onRequest', faultHook(faults, journal, true));
  },
  { name: 'emulator-faults-after-auth', fastify: '5.x', dependencies: ['emulator-request-hooks', 'atlas-auth'] },
);
