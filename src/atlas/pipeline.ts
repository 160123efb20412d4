import type { FastifyInstance } from 'fastify';
import type { BearerTokens } from '../auth/bearer-tokens.js';
import type { BearerVerifier } from '../auth/bearer-verifier.js';
import type { Credentials } from '../auth/credentials.js';
import type { DigestVerifier } from '../auth/digest-verifier.js';
import { oauthRoutes } from '../auth/oauth-routes.js';
import { admission, authentication, decorateAuthOutcome } from '../auth/plugin.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Checkpoints } from '../backup/checkpoints.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Snapshots } from '../backup/snapshots.js';
import { answerNotFound, registerAtlasErrors } from '../http/error-handler.js';
import type { FaultRules } from '../http/fault-rules.js';
import type { RequestJournal } from '../http/journal.js';
import type { PageCache } from '../http/page-cache.js';
import type { Clock } from '../lib/clock.js';
import { API_VERSIONS } from '../model/links.js';
import type { Store } from '../store/store.js';
import { checkpointRoutes } from './checkpoint-routes.js';
import { decorateAppliedFault, faultHook } from './faults.js';
import { Operations } from './operations.js';
import { restoreJobRoutes } from './restore-job-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { snapshotRoutes } from './snapshot-routes.js';

/** Fastify's router options where the Atlas routes are registered (the app's, and the inspector's reader's). */
export const ATLAS_ROUTER_OPTIONS = { maxParamLength: 1000 };

/** What the operations read and write. */
export interface OperationSources {
  store: Store;
  clock: Clock;
  checkpoints: Checkpoints;
  snapshots: Snapshots;
  restoreJobs: RestoreJobs;
  cache: PageCache;
  publicUrl: string | undefined;
}

export interface AtlasPipelineOptions extends OperationSources {
  journal: RequestJournal;
  faults: FaultRules;
  digest: DigestVerifier;
  bearer: BearerVerifier;
  rateLimiter: RateLimiter | undefined;
  /** The OAuth token endpoints' credentials and tokens. */
  credentials: Credentials;
  tokens: BearerTokens;
}

/**
 * The pipeline of the emulated Atlas: every request outside the control plane, over a socket
 * or through inject(), is routed by Fastify and passes these steps in this order (Fastify runs
 * a context's hooks in the order they are added, a parent's before its children's).
 *
 *   1. journal            onResponse: what was asked and answered (journal.ts)
 *   2. faults before auth onRequest: `everyRequest` fault rules (faults.ts)
 *   3. authentication     onRequest: Digest or Bearer, composed by @fastify/auth (auth/plugin.ts)
 *   4. admission          onRequest: the credential's access list, the project's rate limit
 *   5. faults after auth  onRequest, in the same hook as admission: the other fault rules
 *   6. validation         the route's schema: query string, body
 *   7. handler            the operation (*-routes.ts): its checks in Atlas's order, project
 *                         access among them, then the page from the cache or rendered and
 *                         cached (operations.ts respond())
 *   8. reply and errors   every answer written as bytes by http/atlas-reply.ts; any failure
 *                         of the steps above in Atlas's shape (http/error-handler.ts)
 *
 * The OAuth token endpoints take steps 1, 2 and their own handler and error format.
 */
export async function atlasPipeline(app: FastifyInstance, options: AtlasPipelineOptions): Promise<void> {
  const { journal, faults } = options;
  decorateAuthOutcome(app);
  decorateAppliedFault(app);
  registerAtlasErrors(app);

  // 1. The journal (a request its fault drops is journaled by the fault).
  if (journal.capacity > 0) {
    app.addHook('onResponse', (request, reply, done) => {
      journal.record(request, reply.statusCode, reply.elapsedTime, request.appliedFault);
      done();
    });
  }
  // 2. Faults before authentication: on challenges and the OAuth endpoints too.
  app.addHook('onRequest', faultHook(faults, journal, false));

  // The OAuth token endpoints: their clients authenticate with HTTP Basic in the handler.
  app.register(oauthRoutes, { prefix: '/api/oauth', credentials: options.credentials, tokens: options.tokens });

  // The Atlas API: every route, and the not-found handler, so that even an unknown path gets
  // the challenge first, as Atlas answers it.
  app.register(async (api) => {
    // 3. Authentication: a 401 with its challenge comes before routing's answers and validation.
    api.addHook('onRequest', await authentication(api, options.digest, options.bearer));
    // 4 and 5. Admission, then the faults that act after authentication: one hook.
    const admit = admission(options.rateLimiter);
    const faultsAfterAuth = faultHook(faults, journal, true);
    api.addHook('onRequest', (request, reply, done) => {
      const refusal = admit(request, reply);
      if (refusal !== undefined) return done(refusal);
      faultsAfterAuth(request, reply, done);
    });
    // 6 and 7. Request bodies are JSON, under v2's versioned media type too; then the operations.
    api.addContentTypeParser(
      /^application\/vnd\.atlas\.\d{4}-\d{2}-\d{2}\+json(?:;|$)/,
      { parseAs: 'string' },
      api.getDefaultJsonParser('error', 'error'),
    );
    registerOperations(api, options);
    api.setNotFoundHandler(answerNotFound);
  });
}

/** The eleven operations under /api/atlas/{version}, for each version (the pipeline's, and the inspector's reader's). */
export function registerOperations(app: FastifyInstance, sources: OperationSources): void {
  const { store } = sources;
  for (const version of API_VERSIONS) {
    app.register(
      async (api) => {
        const operations = new Operations(version, store, sources.cache, sources.publicUrl, sources.clock);
        checkpointRoutes(api, sources.checkpoints, operations);
        scheduleRoutes(api, store, operations);
        snapshotRoutes(api, store, sources.snapshots, operations);
        restoreJobRoutes(api, store, sources.restoreJobs, operations);
      },
      { prefix: `/api/atlas/${version}` },
    );
  }
}
