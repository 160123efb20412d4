import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Snapshots } from '../backup/snapshots.js';
import { atlasAuthentication, type AtlasAuthOptions } from '../auth/plugin.js';
import type { Clock } from '../lib/clock.js';
import type { FaultRules } from '../http/fault-rules.js';
import type { RequestJournal } from '../http/journal.js';
import { faultsAfterAuth } from '../http/request-hooks.js';
import type { Store } from '../store/store.js';
import { checkpointRoutes } from './checkpoint-routes.js';
import { restoreJobRoutes } from './restore-job-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { snapshotRoutes } from './snapshot-routes.js';
import { answerNotFound } from '../http/error-handler.js';
import { API_VERSIONS } from '../model/links.js';
import { Operations } from './operations.js';
import type { PageCache } from '../http/page-cache.js';

/** Fastify's router options where the Atlas routes are registered (the early challenge's router and the inspector's reader take the same). */
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

export interface AtlasApiOptions extends AtlasAuthOptions, OperationSources {
  journal: RequestJournal;
  faults: FaultRules;
  /** Receives each Atlas operation as it is registered ("GET /api/atlas/v2/..."). */
  onOperation: (operation: string) => void;
}

/**
 * The emulated Atlas API: every route registered here, and its not-found handler (any path
 * outside the control plane and the OAuth endpoints), is behind Atlas authentication, then
 * the fault rules for authenticated requests.
 */
export async function atlasApi(app: FastifyInstance, options: AtlasApiOptions): Promise<void> {
  await atlasAuthentication(app, options);
  faultsAfterAuth(app, options);
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((method) => method !== 'HEAD');
    // The 405 routes of a resource answer every other method; they are no operation.
    if (route.config?.apiVersion && methods.length === 1) options.onOperation(`${methods[0]} ${route.url}`);
  });
  // Request bodies: JSON, under v2's versioned media type too.
  app.addContentTypeParser(/^application\/vnd\.atlas\.\d{4}-\d{2}-\d{2}\+json(?:;|$)/, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  registerOperations(app, options);
  app.setNotFoundHandler(answerNotFound);
}

/** The eleven operations under /api/atlas/{version}, for each version (the API's, and the inspector's reader). */
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
